/*
 * Loudness normalisation: every track brought toward -14 LUFS, up as well as
 * down, by a Web Audio gain on each audio element (docs/player.md, loudness).
 *
 * - Album mode: while an album plays in order (its page is the context and
 *   shuffle is off), every track of it gets the same gain, the album's (its
 *   loudness as one programme, from the grant), so a quiet song stays as much
 *   quieter than a loud one as the artist made it. Otherwise each track gets
 *   its own.
 * - Turned up at most as far as keeps the true peak at -1 dBTP: the gain is
 *   never more than -1 dB minus the measured peak (the album's peak in album
 *   mode, so that the album's tracks keep one gain).
 *
 * The gain is a GainNode after a MediaElementSource, one per element (the
 * element is marked crossorigin="anonymous" and every edge answers CORS:
 * otherwise Web Audio would hear silence). Where Web Audio is missing, only
 * turning down is possible, through the element's volume, as before.
 */
import { grants, state } from "./state.js";

export const TARGET_LUFS = -14;
export const PEAK_CEILING_DBTP = -1;
const ALBUM_CONTEXT = /^\/albums\/(\d+)\//;

const RAMP_SECONDS = 0.05; // a change of gain under a playing track glides, in about a quarter second

let context = null; // the AudioContext, made with the first graph
const graphs = new WeakMap(); // element -> its GainNode, or null where Web Audio failed
const modes = new WeakMap(); // grant -> whether its gain was last chosen in album mode

// The item a grant is for, as the server describes it (a page's row does not name the album): playing, or next.
function itemOf(grant) {
  const server = state.server;
  const loaded = state.loaded;
  const id = loaded && loaded.grant === grant ? loaded.item.id : null;
  const items = server ? [server.item, server.next_item] : [];
  return items.find((item) => item && (item.id === id || grants.get(item.id) === grant)) || null;
}

// Whether `grant`'s track plays as part of its album in order: the album's page is the context, and shuffle is off.
export function albumMode(grant) {
  const server = state.server;
  if (!server || server.shuffle_state || !grant || typeof grant.album_loudness_lufs !== "number") {
    return false;
  }
  const match = ALBUM_CONTEXT.exec((server.context && server.context.uri) || "");
  const item = itemOf(grant);
  return Boolean(match && item && item.album && String(item.album.id) === match[1]);
}

// The gain for a grant's track, in dB, or null when there is nothing to normalise by.
export function loudnessGainDb(grant) {
  if (!state.normalise || !grant || typeof grant.loudness_lufs !== "number") {
    return null;
  }
  const album = albumMode(grant);
  modes.set(grant, album);
  const lufs = album ? grant.album_loudness_lufs : grant.loudness_lufs;
  const peak = album ? grant.album_true_peak_dbtp : grant.true_peak_dbtp;
  const ceiling = typeof peak === "number" ? PEAK_CEILING_DBTP - peak : 0;
  return Math.min(TARGET_LUFS - lufs, ceiling);
}

// The same as a factor of amplitude (1: as it is).
export function loudnessGain(grant) {
  const db = loudnessGainDb(grant);
  return db === null ? 1 : Math.pow(10, db / 20);
}

function graphFor(element) {
  if (graphs.has(element)) {
    return graphs.get(element);
  }
  let gain = null;
  const AudioContext = window.AudioContext || window.webkitAudioContext;
  if (AudioContext) {
    try {
      context = context || new AudioContext();
      gain = context.createGain();
      context.createMediaElementSource(element).connect(gain).connect(context.destination);
      // Made before the first click, the context waits for one: it goes on whenever the element plays.
      element.addEventListener("play", () => {
        if (context.state !== "running") {
          context.resume().catch(() => undefined);
        }
      });
    } catch (error) {
      gain = null; // the element plays by itself, as without Web Audio
    }
  }
  graphs.set(element, gain);
  return gain;
}

/*
 * Give `element` the gain of `grant`'s track. Returns what is left for the
 * element's own volume to apply: 1 where the GainNode carries the gain, the
 * gain itself (never above 1) where there is no Web Audio. Until a track is
 * loaded nothing is routed through Web Audio.
 */
export function loudnessApply(element, grant) {
  const gain = loudnessGain(grant);
  const node = grant ? graphFor(element) : graphs.get(element);
  if (!node) {
    return Math.min(1, gain);
  }
  if (context.state === "running" && !element.paused) {
    node.gain.setTargetAtTime(gain, context.currentTime, RAMP_SECONDS);
  } else {
    node.gain.cancelScheduledValues(0);
    node.gain.value = gain;
  }
  return 1;
}

/*
 * A track started from a page's row plays before the server has its context:
 * once the server's state says it plays its album in order (or no longer
 * does: shuffle turned on), the loaded track's gain follows. audio.js asks at
 * every state applied (this module imports none of the player's others that
 * import it: static files are hashed with their imports, which allows no cycle).
 */
export function loudnessModeChanged() {
  const loaded = state.loaded;
  return Boolean(loaded && modes.has(loaded.grant) && modes.get(loaded.grant) !== albumMode(loaded.grant));
}

// What the browser tests read: the gain the element's GainNode has now, or null without one.
export function loudnessNodeGain(element) {
  const node = graphs.get(element);
  return node ? node.gain.value : null;
}
