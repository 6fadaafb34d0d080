/*
 * What this device knows: the server's playback state as last applied, the
 * track loaded here, this browser's identity as one of the listener's devices,
 * and the views to redraw when any of it changes. Every other module of the
 * player reads and writes these; none of them keeps a copy.
 */
import { audio } from "./dom.js";

export const state = {
  device: "", // this browser's device id (stateLoad)
  server: null, // the last state applied (its version orders them)
  receivedAt: 0, // performance.now() when it arrived
  loaded: null, // {item, grant, hls, playToken}: what this device has loaded
  loading: null, // the track id being loaded
  playsHere: false, // this device is the active one
  userVolume: 0.8,
  sentVolume: null,
  normalise: true,
  expectPause: false, // a pause this device asked for, not one the system made
  adBreak: null, // the ad break playing here (ads.js): while it lasts, nothing is loaded
};
export const grants = new Map(); // track id -> its stream grant
export const rowItems = new Map(); // what the rows on pages said about their tracks

// This browser as one of the listener's devices (an id made here and kept), and the listener's choices kept with it.
export function stateLoad() {
  let id = localStorage.getItem("sc.deviceId");
  if (!id || !/^[A-Za-z0-9_-]{8,64}$/.test(id)) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    id = "web-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    localStorage.setItem("sc.deviceId", id);
  }
  state.device = id;
  state.userVolume = clampVolume(parseFloat(localStorage.getItem("sc.volume") || "0.8"));
  state.normalise = localStorage.getItem("sc.normalise") !== "off";
  return id;
}

export function clampVolume(value) {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0.8;
}

export function here(server) {
  return Boolean(server && server.device && server.device.id === state.device);
}

// Where the active device is now, by the last state and the time since it came.
export function serverProgress() {
  const server = state.server;
  if (!server || !server.item) {
    return 0;
  }
  let position = server.progress_ms;
  if (server.is_playing) {
    position += performance.now() - state.receivedAt;
  }
  return Math.min(position, server.item.duration_ms || position);
}

// Where the track is here; during an ad break, where the track that waits for it will start.
export function localProgress() {
  if (state.adBreak) {
    return state.adBreak.positionMs;
  }
  return Math.round((audio.currentTime || 0) * 1000);
}

// How far the ad break has gone: the ads heard, then the wait the server asked for, if any.
export function breakProgress() {
  const adBreak = state.adBreak;
  const total = adBreak.durationMs;
  let remaining;
  if (adBreak.waitUntil) {
    remaining = adBreak.waitUntil - performance.now();
  } else {
    const ad = adBreak.playing ? adBreak.ads[adBreak.index] : null;
    const inAd = ad ? Math.min((audio.currentTime || 0) * 1000, ad.duration_ms) : 0;
    remaining = total - adBreak.doneMs - inAd;
  }
  remaining = Math.max(0, Math.round(remaining));
  return { total: total, remaining: remaining, elapsed: Math.max(0, total - remaining) };
}

// Pause the audio here, as this device's own choice (not the system's).
export function stop() {
  state.expectPause = true;
  audio.pause();
}

// The views that show the state, redrawn in the order they were added.
const renderers = [];

export function onRender(renderer) {
  renderers.push(renderer);
}

export function render() {
  renderers.forEach((renderer) => renderer());
}
