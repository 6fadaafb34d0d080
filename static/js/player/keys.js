/*
 * Keyboard shortcuts and the OS's media keys.
 *
 * Keyboard, unless the listener is typing or a control wants the key: Space
 * or K play/pause, ←/→ seek 5 s, Shift+←/→ previous/next, Shift+↑/↓ volume,
 * M mute, S shuffle, R repeat, Q queue, L lyrics, Escape closes menus and
 * the lyrics. During an ad
 * break, seeking and previous/next do nothing, as the bar's buttons.
 */
import { audio, ui } from "./dom.js";
import { setVolume } from "./audio.js";
import { togglePanel } from "./bar.js";
import { seek, seekBy, skip, togglePlay } from "./controls.js";
import { lyricsOpen } from "./lyrics.js";
import { mediaSessionActions } from "./media-session.js";
import { closeRowMenu } from "./rows.js";
import { state } from "./state.js";

function onKey(event) {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) {
    return;
  }
  const target = event.target instanceof Element ? event.target : null;
  if (target && target.closest("input, textarea, select, [contenteditable]:not([contenteditable=false]), [role=menu], [role=slider]")) {
    return;
  }
  const onControl = target && target.closest("button, a, summary");
  let handled = true;
  switch (event.key) {
    case " ":
    case "Spacebar":
      if (onControl) {
        return;
      }
      togglePlay();
      break;
    case "k":
    case "K":
      togglePlay();
      break;
    case "ArrowRight":
      event.shiftKey ? skip("next") : seekBy(5000); // neither during an ad break
      break;
    case "ArrowLeft":
      event.shiftKey ? skip("previous") : seekBy(-5000);
      break;
    case "ArrowUp":
    case "ArrowDown":
      if (!event.shiftKey) {
        return;
      }
      setVolume(state.userVolume + (event.key === "ArrowUp" ? 0.05 : -0.05), true);
      break;
    case "m":
    case "M":
      ui.mute.click();
      break;
    case "s":
    case "S":
      ui.shuffle.click();
      break;
    case "r":
    case "R":
      ui.repeat.click();
      break;
    case "q":
    case "Q":
      ui.queueButton.click();
      break;
    case "l":
    case "L":
      ui.lyricsButton.click();
      break;
    case "Escape":
      closeRowMenu();
      togglePanel(ui.devicesButton, ui.devicesPanel, false);
      if (!ui.lyricsPanel.hidden) {
        lyricsOpen(false);
        ui.lyricsButton.focus();
      }
      handled = false;
      break;
    default:
      handled = false;
  }
  if (handled) {
    event.preventDefault();
  }
}

export function keysStart() {
  document.addEventListener("keydown", onKey);
  // Media Session: the media keys, lock screen and notification act like the bar's buttons.
  mediaSessionActions({
    play: () => (audio.paused || !state.playsHere) && togglePlay(),
    pause: () => (!audio.paused || !state.playsHere) && togglePlay(),
    stop: () => state.playsHere && !audio.paused && togglePlay(),
    previoustrack: () => skip("previous"),
    nexttrack: () => skip("next"),
    seekbackward: (details) => seekBy(-1000 * ((details && details.seekOffset) || 10)),
    seekforward: (details) => seekBy(1000 * ((details && details.seekOffset) || 10)),
    seekto: (details) => seek(1000 * details.seekTime),
  });
}
