/*
 * Media Session: what plays, for the OS's media keys, lock screen and
 * notification. The actions those controls send are wired in keys.js.
 */
import { audio } from "./dom.js";

const supported = "mediaSession" in navigator;

export function mediaSessionShow(item) {
  if (!supported || typeof MediaMetadata === "undefined") {
    return;
  }
  const artwork = [];
  if (item.artwork) {
    artwork.push({ src: item.artwork, sizes: "64x64", type: "image/jpeg" });
  }
  if (item.artwork_large && item.artwork_large !== item.artwork) {
    artwork.push({ src: item.artwork_large, sizes: "300x300", type: "image/jpeg" });
  }
  navigator.mediaSession.metadata = new MediaMetadata({
    title: item.title,
    artist: item.artist ? item.artist.name : "",
    album: item.album ? item.album.title : "",
    artwork: artwork,
  });
}

// An ad of the free plan's break, while it plays.
export function mediaSessionShowAd(ad) {
  if (!supported || typeof MediaMetadata === "undefined") {
    return;
  }
  navigator.mediaSession.metadata = new MediaMetadata({
    title: ad.title,
    artist: gettext("Advertisement"),
    album: "",
    artwork: ad.image ? [{ src: ad.image }] : [],
  });
}

let lastPositionState = 0;
export function mediaSessionPosition() {
  if (!supported || !navigator.mediaSession.setPositionState || !audio.duration) {
    return;
  }
  const now = performance.now();
  if (now - lastPositionState < 1000) {
    return;
  }
  lastPositionState = now;
  try {
    navigator.mediaSession.setPositionState({
      duration: audio.duration,
      playbackRate: audio.playbackRate,
      position: Math.min(audio.currentTime, audio.duration),
    });
  } catch (error) {
    // a duration the browser does not accept yet
  }
}

export function mediaSessionPlaying(playing) {
  if (supported) {
    navigator.mediaSession.playbackState = playing ? "playing" : "paused";
  }
}

export function mediaSessionActions(actions) {
  if (!supported) {
    return;
  }
  Object.keys(actions).forEach((action) => {
    try {
      navigator.mediaSession.setActionHandler(action, actions[action]);
    } catch (error) {
      // an action this browser does not know
    }
  });
}
