/*
 * Joins: the next track started as this one ends, on the standby audio
 * element (dom.js), instead of after the end as a skip would.
 *
 * - Gapless: when what plays next is the album's next track (same album, the
 *   next number, or the first of the next disc) and shuffle is off, it starts
 *   the moment this one ends, so an album that runs on across its tracks is
 *   heard unbroken.
 * - Crossfade: any other transition, when the listener set a crossfade of
 *   1–12 s (Profile.crossfade_seconds, on the bar as data-crossfade): the next
 *   track starts that long before the end, and the two volumes ramp (equal
 *   power) until this one is over.
 *
 * Thirty seconds before the end, the next track's grant is asked for (a
 * refused one, an ad break due, means no join: the track waits for the end
 * and the break, as before) and the standby element loads it. In the last
 * second and a half, timers take over from `timeupdate` (four a second) and
 * start the standby element at the end of this one, measured on its own audio
 * clock. The join then does what the end of a track does: the play is
 * reported, the server is told `next`, the bar, media session and lyrics
 * follow the new track.
 */
import { showItem } from "./bar.js";
import { audio, audioStandby, audioSwap, bar } from "./dom.js";
import { mediaSessionShow } from "./media-session.js";
import { playsHeardReset, reportPlay } from "./plays.js";
import { attachDirect, grantFor } from "./sources.js";
import { render, state } from "./state.js";
import { command } from "./sync.js";

const PRELOAD_MS = 30000; // the next track's grant and media are fetched this long before the end
const ARM_MS = 1500; // the last stretch before a join is timed with timers
const MAX_CROSSFADE_S = 12;

let next = null; // {item, kind, grant, element, timer, failed}: what joins this track
let fade = null; // {element, grant, ms, timer}: the track fading out under the new one
let joined = null; // {from, to}: a join whose `next` the server has not answered yet

// From audio.js, which imports this module (handed over rather than imported back, so the modules form no cycle).
let elementGain = null; // (element, grant, fade): sets an element's level
let showGrant = null; // (grant): the bar's bitrate

export function joinsStart(audioParts) {
  elementGain = audioParts.elementGain;
  showGrant = audioParts.showGrant;
}

// The listener's crossfade, in ms: 0 when off.
export function crossfadeMs() {
  const seconds = parseInt((bar && bar.dataset.crossfade) || "0", 10);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, MAX_CROSSFADE_S) * 1000 : 0;
}

// Whether `item` is the album's next track after `current`: the next number, or the first of the next disc.
export function albumNext(current, item) {
  const a = current && current.album;
  const b = item && item.album;
  if (!a || !b || a.id !== b.id || !a.track_number || !b.track_number) {
    return false;
  }
  const disc = a.disc_number || 1;
  const nextDisc = b.disc_number || 1;
  return (nextDisc === disc && b.track_number === a.track_number + 1) || (nextDisc === disc + 1 && b.track_number === 1);
}

// How the next track joins the loaded one: "gapless", "crossfade", or "" (after the end, as before).
function joinKind(server) {
  const loaded = state.loaded;
  const item = server && server.next_item;
  if (!loaded || loaded.hls || !item || state.adBreak || !state.playsHere || fade) {
    return "";
  }
  if (server.repeat_state === "track" || item.id === loaded.item.id || server.item.id !== loaded.item.id) {
    return "";
  }
  if (!server.shuffle_state && albumNext(server.item, item)) {
    return "gapless";
  }
  return crossfadeMs() ? "crossfade" : "";
}

// What is left of the loaded track, in ms of its own audio clock.
function remainingMs(element) {
  const duration = element.duration;
  if (!Number.isFinite(duration) || !duration) {
    return NaN;
  }
  return (duration - element.currentTime) * 1000;
}

function leadMs(kind) {
  return kind === "crossfade" ? crossfadeMs() : 0;
}

// Every `timeupdate` of the playing element: fetch the next track ahead, then time the join.
export function joinTick() {
  if (audio.paused || !state.loaded || state.adBreak || state.loading) {
    return; // nothing plays, or another track is on its way in (load() drops what was prepared)
  }
  const remaining = remainingMs(audio);
  if (!(remaining < PRELOAD_MS + leadMs("crossfade"))) {
    return;
  }
  if (!next) {
    prepare(state.server);
  }
  arm();
}

function prepare(server) {
  const kind = joinKind(server);
  if (!kind) {
    return;
  }
  const prepared = { item: server.next_item, kind: kind, grant: null, element: audioStandby, timer: 0, failed: false };
  next = prepared;
  prepared.element.addEventListener(
    "error",
    () => {
      prepared.failed = true;
      prepared.grant = null; // it could not load: the track plays after the end, fetched again
    },
    { once: true }
  );
  grantFor(prepared.item.id)
    .then((grant) => {
      if (next !== prepared) {
        return;
      }
      if (!attachDirect(prepared.element, grant)) {
        prepared.failed = true; // hls.js plays one stream at a time: this track plays after the end
        return;
      }
      prepared.grant = grant;
      elementGain(prepared.element, grant, kind === "crossfade" ? 0 : 1);
      arm();
    })
    .catch(() => {
      if (next === prepared) {
        prepared.failed = true; // refused (an ad break is due, or the track is gone): it is asked for again after the end
      }
    });
}

// In the last stretch, a timer to the moment the standby element starts: refined as it comes closer.
function arm() {
  const prepared = next;
  if (!prepared || !prepared.grant || prepared.timer || audio.paused) {
    return;
  }
  const until = () => remainingMs(audio) - leadMs(prepared.kind);
  if (!(until() < ARM_MS)) {
    return;
  }
  const tick = () => {
    prepared.timer = 0;
    if (next !== prepared || audio.paused) {
      return; // cancelled, or paused: the next timeupdate arms it again
    }
    const left = until();
    if (left > 25) {
      prepared.timer = window.setTimeout(tick, left - 20);
    } else if (left > 1) {
      prepared.timer = window.setTimeout(tick, left - 1);
    } else {
      join(prepared);
    }
  };
  tick();
}

function join(prepared) {
  next = null;
  window.clearTimeout(prepared.timer);
  const incoming = prepared.element;
  // First the sound, then the bookkeeping.
  const attempt = incoming.play();
  if (attempt) {
    attempt.catch(() => undefined); // refused without a click: the pause event tells the server
  }
  const outgoing = state.loaded;
  reportPlay(true, true); // heard to its end, or faded out to it
  joined = { from: outgoing.item.id, to: prepared.item.id };
  audioSwap();
  state.loaded = { item: prepared.item, grant: prepared.grant, hls: null, playToken: prepared.grant.play_token };
  playsHeardReset();
  if (prepared.kind === "crossfade") {
    fadeStart(audioStandby, outgoing.grant);
  } else {
    elementGain(audio, prepared.grant, 1);
  }
  showItem(prepared.item);
  showGrant(prepared.grant);
  mediaSessionShow(prepared.item);
  render();
  const done = () => {
    if (joined && joined.to === prepared.item.id) {
      joined = null;
    }
  };
  command("POST", "next/").then(done, done);
}

// The ramps: the outgoing track down and the new one up, as the outgoing one runs out (its own clock).
function fadeStart(element, grant) {
  const ms = Math.max(1, Math.min(crossfadeMs() || 1, remainingMs(element) || 1));
  fade = { element: element, grant: grant, ms: ms, timer: 0 };
  element.addEventListener(
    "ended",
    () => {
      if (fade && fade.element === element) {
        fadeEnd(); // over: the new track at its full level at once
      }
    },
    { once: true }
  );
  const step = () => {
    if (!fade || fade.element !== element) {
      return;
    }
    const left = remainingMs(element);
    const t = element.ended || !(left > 0) ? 1 : Math.min(1, Math.max(0, 1 - left / fade.ms));
    elementGain(element, grant, Math.cos((t * Math.PI) / 2));
    elementGain(audio, state.loaded && state.loaded.grant, Math.sin((t * Math.PI) / 2));
    if (t >= 1) {
      fadeEnd();
    } else {
      fade.timer = window.setTimeout(step, 50);
    }
  };
  step();
}

function fadeEnd() {
  if (!fade) {
    return;
  }
  window.clearTimeout(fade.timer);
  const element = fade.element;
  fade = null;
  if (!element.paused) {
    element.pause();
  }
  elementGain(audio, state.loaded && state.loaded.grant, 1);
}

// The fade of the new track now: 1 when none is under way (audio.js applies the volume with it).
export function joinFade() {
  if (!fade) {
    return 1;
  }
  const left = remainingMs(fade.element);
  const t = left > 0 ? Math.min(1, Math.max(0, 1 - left / fade.ms)) : 1;
  return Math.sin((t * Math.PI) / 2);
}

// The playing element paused (the listener, the system, or playback moving away): the fade stops with it.
export function joinPaused() {
  fadeEnd();
  if (next) {
    window.clearTimeout(next.timer);
    next.timer = 0;
  }
}

// Another track is loaded, or playback left this device: what was prepared is dropped, the fade cut short.
export function joinCancel() {
  fadeEnd();
  if (!next) {
    return;
  }
  window.clearTimeout(next.timer);
  const element = next.element;
  next = null;
  if (element !== audio && element.getAttribute("src")) {
    element.removeAttribute("src");
    element.load(); // stops its download
  }
}

// A new state: what was prepared is dropped when the server's next track, shuffle or repeat changed it.
export function joinFollow(server) {
  if (next && joinKind(server) !== next.kind) {
    joinCancel();
  } else if (next && server.next_item && server.next_item.id !== next.item.id) {
    joinCancel();
  }
}

// A state that still names the track before a join, while the join's `next` is on its way: not followed.
export function joinStale(server) {
  return Boolean(joined && server.item && server.item.id === joined.from);
}

// The loaded track ended before its join was timed (timers held back): join now, or go on as after any end.
export function joinAtEnd() {
  const prepared = next;
  if (prepared && prepared.grant && !prepared.failed) {
    join(prepared);
    return true;
  }
  if (prepared) {
    joinCancel();
  }
  return false;
}

// For the browser tests: what joins next, and the fade under way.
export function joinShown(level) {
  return {
    next: next ? { id: next.item.id, kind: next.kind, ready: Boolean(next.grant) } : null,
    fading: fade
      ? {
          outgoing: { level: level(fade.element), playing: !fade.element.paused },
          incoming: { level: level(audio), playing: !audio.paused },
        }
      : null,
  };
}
