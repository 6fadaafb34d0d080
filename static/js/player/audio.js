/*
 * The audio element: loading a track, playing and pausing it, following the
 * server's state when this device is the active one, volume and loudness
 * normalisation, and what the element itself reports (progress, an end, an
 * error, a pause the system made).
 *
 * Loudness is normalised by a gain on each element (loudness.js): the album's or the track's.
 * Every element's level is set in one place, elementGain(). The next track
 * starts on a second element as this one ends (joins.js: gapless and crossfade).
 */
import { adBreakLeave, adBreakPlay, adBreakPlaying, adOver } from "./ads.js";
import { audio, audioStandby, say, ui } from "./dom.js";
import { renderProgress, showItem } from "./bar.js";
import { mediaSessionPosition, mediaSessionShow } from "./media-session.js";
import { loudnessApply, loudnessGain, loudnessModeChanged } from "./loudness.js";
import { playsHeard, playsHeardReset, renewReceipt, reportPlay } from "./plays.js";
import { joinAtEnd, joinCancel, joinFade, joinFollow, joinPaused, joinStale, joinsStart, joinTick } from "./joins.js";
import { attach, grantFor, prefetch } from "./sources.js";
import { clampVolume, grants, localProgress, render, state, stop } from "./state.js";
import { command, report } from "./sync.js";

const DRIFT_MS = 2500;

// This device follows the state: load what it names, seek when far off, play or pause; or stop when playback left.
export function follow(server, previous) {
  if (loudnessModeChanged()) {
    applyVolume(); // the album's gain or the track's, as the new state says (loudness.js)
  }
  if (state.playsHere && server.item) {
    if (joinStale(server)) {
      return; // the track before a join, until the server answers its `next`
    }
    const wanted = server.item.id;
    if (state.adBreak) {
      // The ad break plays first: the track it names waits for it, and the ad plays or pauses as the state says.
      if (state.loading !== wanted) {
        load(server.item, server.progress_ms, server.is_playing);
      }
      if (server.is_playing !== state.adBreak.play) {
        adBreakPlaying(server.is_playing);
      }
    } else if (!state.loaded || state.loaded.item.id !== wanted) {
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
    if (!state.adBreak) {
      joinFollow(server);
      prefetch(server.next_item);
    }
  } else if (state.adBreak) {
    adBreakLeave(); // playback moved to another device: the break waits for whichever device plays next
  } else if (!audio.paused) {
    stop(); // playback moved to another device, or stopped
    reportPlay(true);
  }
}

// Loading and playing a track on this device; when the free plan's ad break is due, after the break.
export async function load(item, positionMs, play, afterBreak) {
  state.loading = item.id;
  joinCancel();
  reportPlay(true);
  if (!state.adBreak) {
    showItem(item);
  }
  let grant;
  try {
    grant = await grantFor(item.id);
  } catch (error) {
    if (error.code === "ad_break_due" && !afterBreak) {
      const playOn = await adBreakPlay(positionMs, play);
      if (state.loading === item.id) {
        load(item, positionMs, playOn, true);
      }
      return;
    }
    state.loading = null;
    if (error.code === "ad_break_due") {
      say(error.message); // still due after a break: skipping would only meet it again
      render();
      return;
    }
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
  showGrant(grant);
  if (play) {
    start();
  }
  mediaSessionShow(item);
  render();
}

export function showGrant(grant) {
  ui.bitrate.textContent = grant.bitrate + " kbit/s";
  ui.bitrate.title = interpolate(gettext("Streaming AAC at %(bitrate)s kbit/s from the %(edge)s edge"), { bitrate: grant.bitrate, edge: grant.edge }, true);
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
  return loudnessGain(grant);
}

// The level an element plays at: the listener's volume, the track's loudness gain, and a fade (0 to 1, crossfade).
const levels = new WeakMap();
export function elementGain(element, grant, fade) {
  const level = clampVolume(state.userVolume * loudnessApply(element, grant) * fade);
  element.volume = level;
  element.muted = localStorage.getItem("sc.muted") === "1";
  levels.set(element, level);
}

// The level elementGain() last gave an element (the browser tests read it).
export function elementLevel(element) {
  return levels.has(element) ? levels.get(element) : null;
}

export function applyVolume() {
  elementGain(audio, state.loaded && state.loaded.grant, joinFade());
  ui.volume.value = String(Math.round(state.userVolume * 100));
  ui.mute.setAttribute("aria-pressed", String(audio.muted));
  ui.mute.setAttribute("aria-label", audio.muted ? gettext("Unmute") : gettext("Mute"));
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
  joinsStart({ elementGain: elementGain, showGrant: showGrant });

  // Both elements report; only the one that plays the loaded track (or the ad) is listened to.
  const on = (type, listener) => {
    [audio, audioStandby].forEach((element) =>
      element.addEventListener(type, (event) => {
        if (event.target === audio) {
          listener(event);
        }
      })
    );
  };

  on("timeupdate", () => {
    if (!state.adBreak) {
      playsHeard(audio.currentTime); // an ad is never heard as a play of a track
      joinTick();
    }
    renderProgress();
    mediaSessionPosition();
  });

  on("play", () => {
    if (state.adBreak) {
      state.adBreak.play = true;
    } else if (state.loaded) {
      renewReceipt(state.loaded); // played again after its play was over (repeat, or back on this device)
    }
    render();
  });

  on("pause", () => {
    joinPaused();
    if (state.adBreak && !state.expectPause && !audio.ended) {
      state.adBreak.play = false; // the system paused the ad
    }
    if (!state.expectPause && state.playsHere && !audio.ended) {
      report(false); // paused by the system (headphones out, another app)
    }
    state.expectPause = false;
    render();
  });

  on("ended", () => {
    if (state.adBreak) {
      adOver();
      return;
    }
    if (joinAtEnd()) {
      return; // the next track was loaded ahead: it starts now
    }
    reportPlay(true);
    if (state.server && state.server.repeat_state === "track") {
      audio.currentTime = 0;
      start();
      report(true);
    } else {
      command("POST", "next/");
    }
  });

  on("error", () => {
    if (state.adBreak) {
      adOver(); // an ad that cannot be played: the countdown covers its length
      return;
    }
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
      say(interpolate(gettext("Cannot play %(title)s."), { title: item.title }, true));
    }
  });

  window.addEventListener("pagehide", () => {
    reportPlay(true);
    if (state.playsHere && !audio.paused) {
      report(false, { keepalive: true });
    }
  });
}
