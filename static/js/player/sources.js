/*
 * Where the audio comes from: the signed stream URL of a track
 * (/api/v1/tracks/{id}/stream/), kept while it is good for another minute;
 * the progressive AAC file where the browser plays it, native HLS where it
 * plays that, hls.js (loaded on demand) otherwise. The next track's URL is
 * fetched ahead and its first bytes warmed; where no hls.js is needed, the
 * standby audio element loads it whole for a gapless start (audio.js).
 */
import { audio, bar } from "./dom.js";
import { grants, state } from "./state.js";
import { call } from "./sync.js";

const PREFETCH_BYTES = 256 * 1024;

export async function grantFor(trackId) {
  const known = grants.get(trackId);
  if (known && Date.parse(known.expires_at) - Date.now() > 60000) {
    return known;
  }
  const answer = await call("GET", "/api/v1/tracks/" + trackId + "/stream/");
  if (!answer.ok) {
    const error = answer.data && answer.data.error;
    const refused = new Error(error ? error.message : gettext("This track cannot be played."));
    refused.code = error ? error.code : ""; // "ad_break_due": the free plan's ad break comes first (ads.js)
    throw refused;
  }
  grants.set(trackId, answer.data);
  return answer.data;
}

let hlsLibrary = null;
function hlsJs() {
  if (!hlsLibrary) {
    hlsLibrary = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = bar.dataset.hlsSrc;
      script.onload = () => resolve(window.Hls);
      script.onerror = () => reject(new Error("hls.js did not load"));
      document.head.appendChild(script);
    });
  }
  return hlsLibrary;
}

// Point the audio element at a grant's stream (or an ad's: the same url and hls_url); the hls.js player when one is needed, else null.
export async function attach(grant) {
  if (state.loaded && state.loaded.hls) {
    state.loaded.hls.destroy();
  }
  if (attachDirect(audio, grant)) {
    return null;
  }
  const Hls = await hlsJs();
  if (!Hls || !Hls.isSupported()) {
    throw new Error(gettext("This browser cannot play these streams."));
  }
  const hls = new Hls({ maxBufferLength: 30 });
  hls.loadSource(grant.hls_url);
  hls.attachMedia(audio);
  return hls;
}

// Point an element at a grant's stream where the browser plays it by itself (the AAC file, or native HLS); false where it needs hls.js.
export function attachDirect(element, grant) {
  if (element.canPlayType('audio/mp4; codecs="mp4a.40.2"')) {
    element.src = grant.url;
    return true;
  }
  if (element.canPlayType("application/vnd.apple.mpegurl")) {
    element.src = grant.hls_url;
    return true;
  }
  return false;
}

export function prefetch(item) {
  if (!item || (state.loaded && state.loaded.item.id === item.id)) {
    return;
  }
  grantFor(item.id)
    .then((grant) => {
      if (grant.prefetched) {
        return;
      }
      grant.prefetched = true;
      // Warm the edge and the HTTP cache with the first bytes of what plays next.
      return fetch(grant.url, { headers: { Range: "bytes=0-" + (PREFETCH_BYTES - 1) }, mode: "cors", credentials: "omit" });
    })
    .catch(() => undefined);
}
