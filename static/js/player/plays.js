/*
 * Plays, for listening history and counts: reported to
 * POST /api/v1/me/player/plays/ every 15 s of listening and when the track
 * changes or the page goes away, counting the time actually heard.
 *
 * One stream grant is one play: every report of a play sends back the receipt
 * (play_token) of its grant, never longer than the track, and the context
 * it plays from (an album's or playlist's path, a radio), which the server
 * turns into the play's source. Once the play is over, listening again asks
 * for a new grant.
 */
import { audio } from "./dom.js";
import { grants, state } from "./state.js";
import { grantFor } from "./sources.js";
import { call } from "./sync.js";

const PLAY_REPORT_EVERY_MS = 15000;

let heard = 0;
let lastTime = 0;
let lastPlayReport = 0;

// A new track loaded here: nothing of it heard yet.
export function playsHeardReset() {
  heard = 0;
}

// The audio moved on to `now` seconds: count what was heard, and report now and then.
export function playsHeard(now) {
  const delta = now - lastTime;
  if (!audio.paused && delta > 0 && delta < 1.5) {
    heard += delta * 1000;
  }
  lastTime = now;
  if (performance.now() - lastPlayReport > PLAY_REPORT_EVERY_MS) {
    reportPlay(false);
  }
}

// final: the play is over (the track changed, or the page goes away); toTheEnd: it was heard to its end, whatever the element says.
export function reportPlay(final, toTheEnd) {
  const loaded = state.loaded;
  if (!loaded || heard < 1000) {
    return;
  }
  if (!loaded.playToken) {
    renewReceipt(loaded);
    return;
  }
  const body = {
    track: loaded.item.id,
    play_token: loaded.playToken,
    ms_played: Math.min(Math.round(heard), loaded.grant.duration_ms || Infinity),
    ended: Boolean(final && (toTheEnd || audio.ended)),
    context_uri: playContext(),
  };
  lastPlayReport = performance.now();
  call("POST", "plays/", body, { keepalive: final });
  if (final) {
    heard = 0;
    loaded.playToken = null;
    const cached = grants.get(loaded.item.id);
    if (cached && cached.play_token === body.play_token) {
      grants.delete(loaded.item.id); // its receipt is spent
    }
  }
}

// What the music plays from, as the server's state says: a page's path or a radio's uri.
function playContext() {
  const server = state.server;
  const uri = (server && server.context && server.context.uri) || "";
  return uri.slice(0, 500);
}

export function renewReceipt(current) {
  if (current.playToken || current.renewing) {
    return;
  }
  current.renewing = true;
  grantFor(current.item.id)
    .then((grant) => {
      current.playToken = grant.play_token;
    })
    .catch(() => undefined)
    .finally(() => {
      current.renewing = false;
    });
}
