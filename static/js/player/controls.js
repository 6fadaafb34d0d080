/*
 * What the listener does with the bar: play and pause, seek, previous and
 * next, shuffle, repeat, volume, mute, normalisation, and "Play here". On the
 * active device a click acts on the audio at once and tells the server in
 * parallel; on another device's playback it only sends the command.
 */
import { formatDuration } from "../format.js";
import { adBreakToggle } from "./ads.js";
import { audio, ui } from "./dom.js";
import { applyVolume, setVolume, start } from "./audio.js";
import { barSeeking, showItem } from "./bar.js";
import { localProgress, serverProgress, state, stop } from "./state.js";
import { command } from "./sync.js";

export function togglePlay() {
  const server = state.server;
  if (!server || !server.item) {
    const first = document.querySelector("[data-tracklist] li[data-track-id]:not([aria-disabled=true]) [data-action=play]");
    if (first) {
      first.click();
    }
    return;
  }
  if (state.playsHere && state.adBreak) {
    adBreakToggle(); // pause is allowed during an ad, and the countdown waits
  } else if (state.playsHere) {
    if (audio.paused) {
      start();
      command("PUT", "play/", { position_ms: localProgress() });
    } else {
      stop();
      command("PUT", "pause/");
    }
  } else if (server.device) {
    command("PUT", server.is_playing ? "pause/" : "play/", {});
  } else {
    playHere();
  }
}

export function seek(ms) {
  const server = state.server;
  if (!server || !server.item || state.adBreak) {
    return; // no seeking through an ad
  }
  const duration = server.item.duration_ms || 0;
  const target = Math.max(0, Math.min(Math.round(ms), duration ? duration - 250 : ms));
  if (state.playsHere) {
    audio.currentTime = target / 1000;
  }
  command("PUT", "seek/", { position_ms: target });
}

export function seekBy(deltaMs) {
  seek((state.playsHere ? localProgress() : serverProgress()) + deltaMs);
}

// Previous or next: not during an ad break, whose buttons say so (aria-disabled).
export function skip(direction) {
  if (!state.adBreak) {
    command("POST", direction === "previous" ? "previous/" : "next/");
  }
}

export function playHere() {
  const server = state.server;
  if (!server || !server.item) {
    return;
  }
  // A click here: the browser lets this device start sound from it.
  if (!state.loaded || state.loaded.item.id !== server.item.id) {
    showItem(server.item);
  }
  command("PUT", "", { device_ids: [state.device], play: true });
}

export function controlsStart() {
  ui.play.addEventListener("click", togglePlay);
  ui.next.addEventListener("click", () => skip("next"));
  ui.prev.addEventListener("click", () => skip("previous"));
  ui.shuffle.addEventListener("click", () => command("PUT", "shuffle/", { state: !(state.server && state.server.shuffle_state) }));
  ui.repeat.addEventListener("click", () => {
    const order = ["off", "context", "track"];
    const now = state.server ? state.server.repeat_state : "off";
    command("PUT", "repeat/", { state: order[(order.indexOf(now) + 1) % order.length] });
  });
  ui.seek.addEventListener("input", () => {
    barSeeking(true);
    ui.elapsed.textContent = formatDuration(parseInt(ui.seek.value, 10));
  });
  ui.seek.addEventListener("change", () => {
    barSeeking(false);
    seek(parseInt(ui.seek.value, 10));
  });
  ui.volume.addEventListener("input", () => setVolume(parseInt(ui.volume.value, 10) / 100, true));
  ui.mute.addEventListener("click", () => {
    localStorage.setItem("sc.muted", audio.muted ? "0" : "1");
    applyVolume();
  });
  ui.normalise.addEventListener("click", () => {
    state.normalise = !state.normalise;
    localStorage.setItem("sc.normalise", state.normalise ? "on" : "off");
    applyVolume();
  });
  ui.playHere.addEventListener("click", playHere);
}
