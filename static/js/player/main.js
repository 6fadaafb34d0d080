/*
 * The web player, and the navigation that keeps it playing: the <audio>
 * elements in the player bar (two, taking turns at the end of a track),
 * outside the page content, so that they keep playing while htmx swaps pages
 * in and out. Loaded as a module by
 * templates/base.html; each module below holds one part (docs/player.md).
 */
import { applyVolume, audioStart, elementLevel, follow, gainFor } from "./audio.js";
import { renderBar } from "./bar.js";
import { controlsStart } from "./controls.js";
import { deviceRegister, devicesStart } from "./devices.js";
import { audio, bar, domFind } from "./dom.js";
import { joinShown } from "./joins.js";
import { keysStart } from "./keys.js";
import { loudnessNodeGain } from "./loudness.js";
import { lyricsShown, lyricsStart, renderLyrics } from "./lyrics.js";
import { navigationStart } from "./navigation.js";
import { queueStart, renderQueue } from "./queue.js";
import { radioButtonsStart } from "./radio.js";
import { decorateRows, markPlayingRows, rowsStart } from "./rows.js";
import { onRender, state, stateLoad } from "./state.js";
import { onApply, poll, syncStart } from "./sync.js";

navigationStart();

// Signed out there is no bar: nothing to play.
if (domFind()) {
  stateLoad();
  onApply(follow);
  onRender(renderBar);
  onRender(markPlayingRows);
  onRender(renderQueue);
  onRender(renderLyrics);
  audioStart();
  syncStart();
  rowsStart();
  controlsStart();
  devicesStart();
  queueStart();
  lyricsStart();
  radioButtonsStart();
  keysStart();

  // Start: say who we are, then follow the state.
  applyVolume();
  decorateRows(document);
  bar.hidden = false;
  document.body.classList.add("has-player");
  deviceRegister()
    .catch(() => undefined)
    .then(() => poll(true));

  // For the browser tests and anyone curious in the console.
  window.scPlayer = {
    device: state.device,
    get state() {
      return state.server;
    },
    get adBreak() {
      const adBreak = state.adBreak;
      return adBreak ? { id: adBreak.id, ad: adBreak.ads[adBreak.index] || null, playing: adBreak.playing } : null;
    },
    get lyrics() {
      return lyricsShown();
    },
    get join() {
      return joinShown(elementLevel);
    },
    get loaded() {
      const loaded = state.loaded;
      if (!loaded) {
        return null;
      }
      // gain: the loudness gain chosen for it; nodeGain: the one its element's GainNode applies now.
      const gain = gainFor(loaded.grant);
      return { id: loaded.item.id, bitrate: loaded.grant.bitrate, gain: gain, nodeGain: loudnessNodeGain(audio) };
    },
  };
}
