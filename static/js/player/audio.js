/*
 * The audio element: loading a track, playing and pausing it, following the
 * server's state when this device is the active one, volume and loudness
 * normalisation, and what the element itself reports (progress, an end, an
 * error, a pause the system made).
 *
 * Loudness is normalised toward -14 LUFS, only ever turned down, so nothing clips.
 */
import { audio, say, ui } from "./dom.js";
import { renderProgress, showItem } from "./bar.js";
import { mediaSessionPosition, mediaSessionShow } from "./media-session.js";
import { playsHeard, playsHeardReset, renewReceipt, reportPlay } from "./plays.js";
import { attach, grantFor, prefetch } from "./sources.js";
import { clampVolume, grants, localProgress, render, state, stop } from "./state.js";
import { command, report } from "./sync.js";

const DRIFT_MS = 2500;
const TARGET_LUFS = -14;

// This device follows the state: load what it names, seek when far off, play or pause; or stop when playback left.
export function follow(server, previous) {
  if (state.playsHere && server.item) {
    const wanted = server.item.id;
    if (!state.loaded || state.loaded.item.id !== wanted) {
      if (state.loading !== wanted) {
        load(server.item, server.progress_ms, server.is_playing);
      }
    } else {
      if (Math.abs(localProgress() - server.progress_ms) > DRIFT_MS) {
        audio.currentTime = server.progress_ms / 1000;
      }
      if (server.is_playing && audio.paused) {
        start();
      } else if (!server.is_playing && !audio.paused) {
        stop();
      }
    }
    if (server.volume_percent !== state.sentVolume && previous && previous.volume_percent !== server.volume_percent) {
      setVolume(server.volume_percent / 100, false);
    }
    prefetch(server.next_item);
  } else if (!audio.paused) {
    stop(); // playback moved to another device, or stopped
    reportPlay(true);
  }
}

// Loading and playing a track on this device.
export async function load(item, positionMs, play) {
  state.loading = item.id;
  reportPlay(true);
  showItem(item);
  let grant;
  try {
    grant = await grantFor(item.id);
  } catch (error) {
    state.loading = null;
    say(error.message + " Skipping it.");
    if (state.playsHere) {
      command("POST", "next/");
    }
    return;
  }
  if (state.loading !== item.id) {
    return; // another track was asked for meanwhile
  }
  const hls = await attach(grant);
  state.loaded = { item: item, grant: grant, hls: hls, playToken: grant.play_token };
  state.loading = null;
  playsHeardReset();
  applyVolume();
  if (positionMs > 0) {
    const seekTo = () => {
      audio.currentTime = positionMs / 1000;
    };
    if (audio.readyState >= 1) {
      seekTo();
    } else {
      audio.addEventListener("loadedmetadata", seekTo, { once: true });
    }
  }
  ui.bitrate.textContent = grant.bitrate + " kbit/s";
  ui.bitrate.title = "Streaming AAC at " + grant.bitrate + " kbit/s from the " + grant.edge + " edge";
  if (play) {
    start();
  }
  mediaSessionShow(item);
  render();
}

export function start() {
  const attempt = audio.play();
  if (attempt) {
    attempt.catch((error) => {
      if (error.name === "NotAllowedError") {
        // The browser wants a click first: show it paused rather than pretend.
        if (state.playsHere && state.server && state.server.is_playing) {
          report(false);
        }
      }
    });
  }
}

// Volume, mute and loudness normalisation.

export function gainFor(grant) {
  if (!state.normalise || !grant || typeof grant.loudness_lufs !== "number") {
    return 1;
  }
  // Toward the target, but never up: turning a quiet track up could clip it.
  const gainDb = Math.min(0, TARGET_LUFS - grant.loudness_lufs);
  return Math.pow(10, gainDb / 20);
}

export function applyVolume() {
  audio.volume = clampVolume(state.userVolume * gainFor(state.loaded && state.loaded.grant));
  audio.muted = localStorage.getItem("sc.muted") === "1";
  ui.volume.value = String(Math.round(state.userVolume * 100));
  ui.mute.setAttribute("aria-pressed", String(audio.muted));
  ui.mute.setAttribute("aria-label", audio.muted ? "Unmute" : "Mute");
  ui.normalise.setAttribute("aria-pressed", String(state.normalise));
}

let volumeTimer = 0;
export function setVolume(value, tell) {
  state.userVolume = clampVolume(value);
  localStorage.setItem("sc.volume", String(state.userVolume));
  applyVolume();
  if (tell && state.server) {
    window.clearTimeout(volumeTimer);
    volumeTimer = window.setTimeout(() => {
      state.sentVolume = Math.round(state.userVolume * 100);
      command("PUT", "volume/", { volume_percent: state.sentVolume });
    }, 400);
  }
}

// What the element says.
export function audioStart() {
  audio.addEventListener("timeupdate", () => {
    playsHeard(audio.currentTime);
    renderProgress();
    mediaSessionPosition();
  });

  audio.addEventListener("play", () => {
    if (state.loaded) {
      renewReceipt(state.loaded); // played again after its play was over (repeat, or back on this device)
    }
    render();
  });

  audio.addEventListener("pause", () => {
    if (!state.expectPause && state.playsHere && !audio.ended) {
      report(false); // paused by the system (headphones out, another app)
    }
    state.expectPause = false;
    render();
  });

  audio.addEventListener("ended", () => {
    reportPlay(true);
    if (state.server && state.server.repeat_state === "track") {
      audio.currentTime = 0;
      start();
      report(true);
    } else {
      command("POST", "next/");
    }
  });

  audio.addEventListener("error", () => {
    const loaded = state.loaded;
    if (!loaded) {
      return;
    }
    // An expired URL or a failed edge: fetch a new grant once and carry on from here.
    const item = loaded.item;
    const position = localProgress();
    if (!loaded.retried) {
      grants.delete(item.id);
      loaded.retried = true;
      load(item, position, true).then(() => {
        if (state.loaded) {
          state.loaded.retried = true;
        }
      });
    } else {
      say("Cannot play " + item.title + ".");
    }
  });

  window.addEventListener("pagehide", () => {
    reportPlay(true);
    if (state.playsHere && !audio.paused) {
      report(false, { keepalive: true });
    }
  });
}
