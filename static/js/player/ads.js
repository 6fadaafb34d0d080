/*
 * The ad break of the free plan (docs/ads.md). A stream grant refused with
 * `ad_break_due` starts the break (POST /api/v1/me/ad-breaks/); its ads play
 * in order through the same audio element while the bar shows the ad and
 * counts the break down (bar.js); then the break is completed
 * (POST /api/v1/me/ad-breaks/{id}/complete/, again after `remaining_ms` when
 * the server finds it too soon), and the track that was asked for plays.
 *
 * While the break lasts, `state.adBreak` holds it and nothing is loaded
 * (`state.loaded` is null): there is no track to report a play of, and the
 * position this device reports is where the waiting track will start
 * (localProgress()). Seek, previous and next wait for the end of the break;
 * pause is allowed, and the countdown waits with it.
 */
import { apiError } from "../http.js";
import { audio, say } from "./dom.js";
import { loudnessApply } from "./loudness.js";
import { mediaSessionShowAd } from "./media-session.js";
import { attach } from "./sources.js";
import { clampVolume, render, state, stop } from "./state.js";
import { call, command } from "./sync.js";

const BREAKS = "/api/v1/me/ad-breaks/";
const RETRY_MS = 2000; // before asking again to complete, when the server could not be reached
const COMPLETE_TRIES = 5;
const TICK_MS = 250;

// The break under way: every load made while it lasts waits for the same one.
let running = null;

/*
 * Play the break the grant asked for, or join the one under way. Resolves,
 * once it is over, with whether the music should play (false when the
 * listener paused during the break).
 */
export function adBreakPlay(positionMs, play) {
  if (!running) {
    running = run(positionMs, play).finally(() => {
      running = null;
    });
  } else if (state.adBreak) {
    state.adBreak.positionMs = positionMs; // the track that now waits for it
  }
  return running;
}

async function run(positionMs, play) {
  if (state.loaded && state.loaded.hls) {
    state.loaded.hls.destroy();
  }
  state.loaded = null;
  if (!audio.paused) {
    stop(); // a track skipped before its end
  }
  const adBreak = {
    id: "",
    ads: [],
    index: -1,
    durationMs: 0,
    doneMs: 0, // the length of the ads already over
    positionMs: positionMs,
    play: play,
    playing: false, // an ad is in the audio element
    hls: null,
    waitUntil: 0, // while waiting for the server's remaining_ms
    timer: 0,
    adsOver: null,
  };
  state.adBreak = adBreak;
  render();
  let answer = null;
  try {
    answer = await call("POST", BREAKS);
  } catch (error) {
    // unreachable for a moment: the grant, asked again, says what to do
  }
  if (state.adBreak === adBreak && answer && answer.ok && answer.data) {
    adBreak.id = answer.data.id;
    adBreak.ads = answer.data.ads || [];
    adBreak.durationMs = answer.data.duration_ms || 0;
    if (adBreak.ads.length) {
      const seconds = Math.ceil(adBreak.durationMs / 1000);
      say(interpolate(ngettext("Ad break. Your music continues in %(seconds)s second.", "Ad break. Your music continues in %(seconds)s seconds.", seconds), { seconds: seconds }, true));
      await new Promise((resolve) => {
        adBreak.adsOver = resolve;
        nextAd(adBreak);
      });
    }
    await complete(adBreak);
    if (state.adBreak === adBreak && adBreak.ads.length) {
      say(gettext("The ad break is over."));
    }
  }
  const playOn = adBreak.play;
  end(adBreak);
  return playOn;
}

async function nextAd(adBreak) {
  if (adBreak.hls) {
    adBreak.hls.destroy();
    adBreak.hls = null;
  }
  adBreak.playing = false;
  if (state.adBreak !== adBreak) {
    return;
  }
  if (adBreak.index + 1 >= adBreak.ads.length) {
    adBreak.adsOver();
    return;
  }
  adBreak.index += 1;
  const ad = adBreak.ads[adBreak.index];
  render();
  mediaSessionShowAd(ad);
  try {
    adBreak.hls = await attach(ad);
  } catch (error) {
    adOver(); // this browser cannot play it: the countdown covers its length
    return;
  }
  adBreak.playing = true;
  audio.volume = clampVolume(state.userVolume * loudnessApply(audio, null)); // ads are levelled in their files: no gain
  if (adBreak.play) {
    playAd(adBreak);
  }
}

function playAd(adBreak) {
  const attempt = audio.play();
  if (attempt) {
    attempt.catch((error) => {
      if (error.name === "NotAllowedError" && state.adBreak === adBreak) {
        adBreak.play = false; // the browser wants a click first
        render();
      }
    });
  }
}

// The audio element says the ad is over, or that it cannot play it: on to the next.
export function adOver() {
  const adBreak = state.adBreak;
  if (!adBreak || adBreak.index < 0) {
    return;
  }
  adBreak.doneMs += adBreak.ads[adBreak.index].duration_ms || 0;
  nextAd(adBreak);
}

async function complete(adBreak) {
  for (let tries = 0; tries < COMPLETE_TRIES && state.adBreak === adBreak; tries += 1) {
    let answer = null;
    try {
      answer = await call("POST", BREAKS + adBreak.id + "/complete/");
    } catch (error) {
      // offline a moment: try again
    }
    if (answer && (answer.ok || answer.status === 404)) {
      return; // over (404: the break is no longer open, another device ended it)
    }
    const error = answer && apiError(answer.data);
    const tooShort = error && error.code === "ad_break_too_short" && error.details;
    if (answer && !tooShort && answer.status !== 409 && answer.status < 500) {
      return; // refused for good: the grant, asked again, says what to do
    }
    await wait(adBreak, tooShort ? Math.max(0, error.details.remaining_ms) + 100 : RETRY_MS);
  }
}

// Wait while the countdown runs on, redrawn every quarter of a second.
function wait(adBreak, ms) {
  adBreak.waitUntil = performance.now() + ms;
  return new Promise((resolve) => {
    const tick = () => {
      if (state.adBreak !== adBreak || performance.now() >= adBreak.waitUntil) {
        adBreak.waitUntil = 0;
        resolve();
        return;
      }
      render();
      adBreak.timer = window.setTimeout(tick, TICK_MS);
    };
    tick();
  });
}

function end(adBreak) {
  window.clearTimeout(adBreak.timer);
  if (adBreak.hls) {
    adBreak.hls.destroy();
    adBreak.hls = null;
  }
  if (adBreak.adsOver) {
    adBreak.adsOver();
  }
  if (state.adBreak === adBreak) {
    state.adBreak = null;
    render();
  }
}

// Playback moved to another device during the break: it is left open there, for whichever device plays next.
export function adBreakLeave() {
  const adBreak = state.adBreak;
  if (adBreak) {
    state.loading = null;
    stop();
    end(adBreak);
  }
}

// Play or pause the ad: the listener's button, or the server's state when another device sent the command.
export function adBreakPlaying(play) {
  const adBreak = state.adBreak;
  adBreak.play = play;
  if (adBreak.playing && play && audio.paused && !audio.ended) {
    playAd(adBreak);
  } else if (!play && !audio.paused) {
    stop();
  }
  render();
}

// The bar's play button during a break.
export function adBreakToggle() {
  const play = !state.adBreak.play;
  adBreakPlaying(play);
  command("PUT", play ? "play/" : "pause/", play ? { position_ms: state.adBreak.positionMs } : undefined);
}
