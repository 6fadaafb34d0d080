/*
 * Server sync. Playback state lives on the server (/api/v1/me/player/...):
 * commands change it and answer the new state; the device that plays reports
 * where it is every few seconds; every device asks for the state with the
 * version it has, once a second while visible, and gets a 304 until something
 * changed. A change meant for this device (pause, skip, playback moved here
 * or away) arrives the same way, and apply() hands it to whoever follows it.
 */
import { apiError, request } from "../http.js";
import { audio, say } from "./dom.js";
import { here, localProgress, render, state, stop } from "./state.js";

const API = "/api/v1/me/player/";
const POLL_VISIBLE_MS = 1000;
const POLL_HIDDEN_MS = 10000;
const REPORT_EVERY_MS = 5000;

// The player's API: a path without a leading slash is under /api/v1/me/player/.
export function call(method, path, body, options) {
  return request(method, path.startsWith("/") ? path : API + path, {
    json: body,
    keepalive: Boolean(options && options.keepalive),
  });
}

// Commands are sent one after another, so that the server sees them in the order they were made.
let chain = Promise.resolve();
let pending = 0;
export function command(method, path, body) {
  pending += 1;
  const run = chain.then(async () => {
    const answer = await call(method, path, body).finally(() => {
      pending -= 1;
    });
    if (answer.ok && answer.data && answer.data.version) {
      apply(answer.data);
    } else if (!answer.ok) {
      const error = apiError(answer.data);
      say(error ? error.message : gettext("That did not work."));
      poll(true);
    }
    return answer;
  });
  chain = run.catch(() => undefined);
  return run;
}

// Applying a state: whatever device made the change, the followers make this device follow it, then the views redraw.
const followers = [];

export function onApply(follower) {
  followers.push(follower);
}

export function apply(server, force) {
  if (!server || (state.server && server.version < state.server.version && !force)) {
    return; // an older answer overtaken by a newer one
  }
  const previous = state.server;
  state.server = server;
  state.receivedAt = performance.now();
  state.playsHere = here(server);
  followers.forEach((follower) => follower(server, previous));
  render();
}

// The playing device's report of where it is: the state while this device plays.
export async function report(isPlaying, options) {
  if (!state.playsHere || !state.server) {
    return;
  }
  const body = {
    device_id: state.device,
    position_ms: localProgress(),
    is_playing: isPlaying === undefined ? !audio.paused : isPlaying,
    version: state.server.version,
  };
  if (options && options.keepalive) {
    call("PUT", "state/", body, options);
    return;
  }
  const answer = await call("PUT", "state/", body);
  if (answer.ok) {
    apply(answer.data);
  } else if (answer.status === 409) {
    poll(true); // someone changed the state, or took playback: follow them
  }
}

// Asking for changes: a 304 costs the server one cache read.
let pollTimer = 0;
let polling = false;
let signedOut = false;

export async function poll(now) {
  window.clearTimeout(pollTimer);
  if (polling && !now) {
    return schedule();
  }
  polling = true;
  try {
    const version = state.server ? "&version=" + state.server.version : "";
    const answer = await call("GET", "?device_id=" + state.device + version);
    if (answer.status === 200 && !pending) {
      apply(answer.data); // while a command is on its way, its own answer is the newer truth
    } else if (answer.status === 401 || answer.status === 403) {
      signedOut = true; // signed out in another tab: stop asking
      stop();
    }
  } catch (error) {
    // offline for a moment: try again later
  } finally {
    polling = false;
    schedule();
  }
}

function schedule() {
  window.clearTimeout(pollTimer);
  if (signedOut) {
    return;
  }
  const visible = document.visibilityState === "visible" || !audio.paused;
  pollTimer = window.setTimeout(poll, visible ? POLL_VISIBLE_MS : POLL_HIDDEN_MS);
}

export function syncStart() {
  window.setInterval(() => {
    if (state.playsHere && !audio.paused) {
      report(true);
    }
  }, REPORT_EVERY_MS);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      poll(true);
    }
  });
}
