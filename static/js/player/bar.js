/*
 * The bar: what plays and by whom, the progress, the play button's state,
 * shuffle, repeat and "Listening on …" when another device plays. It only
 * shows; what its buttons do is in controls.js.
 */
import { formatDuration } from "../format.js";
import { audio, bar, ui } from "./dom.js";
import { mediaSessionPlaying } from "./media-session.js";
import { localProgress, serverProgress, state } from "./state.js";

const REPEAT_LABELS = { off: "Repeat: off", context: "Repeat: all", track: "Repeat: this track" };

function linkTo(element, href) {
  if ((element.getAttribute("href") || "") === href) {
    return;
  }
  if (href) {
    element.setAttribute("href", href);
  } else {
    element.removeAttribute("href");
  }
  if (window.htmx) {
    window.htmx.process(element); // boosted again with its new address, like the page's own links
  }
}

export function showItem(item) {
  ui.title.textContent = item.title;
  ui.artist.textContent = item.artist ? item.artist.name : "";
  linkTo(ui.title, item.album ? "/albums/" + item.album.id + "/" : "");
  linkTo(ui.artist, item.artist && item.artist.slug ? "/artists/" + item.artist.slug + "/" : "");
  if (item.artwork) {
    ui.art.src = item.artwork;
    ui.art.hidden = false;
  } else {
    ui.art.removeAttribute("src");
    ui.art.hidden = true;
  }
  ui.total.textContent = formatDuration(item.duration_ms);
  ui.seek.max = String(item.duration_ms || 0);
  bar.classList.add("has-item");
}

// While the listener drags the seek bar, the progress leaves it alone.
let seeking = false;
export function barSeeking(now) {
  seeking = now;
}

export function renderProgress() {
  const server = state.server;
  if (seeking || !server || !server.item) {
    return;
  }
  const position = state.playsHere && state.loaded ? localProgress() : serverProgress();
  ui.seek.value = String(position);
  ui.seek.setAttribute("aria-valuetext", formatDuration(position) + " of " + formatDuration(server.item.duration_ms));
  ui.elapsed.textContent = formatDuration(position);
  bar.style.setProperty("--progress", server.item.duration_ms ? position / server.item.duration_ms : 0);
}

export function renderBar() {
  const server = state.server;
  const loaded = state.loaded;
  if (server && server.item && !(state.loading && state.playsHere)) {
    if (!loaded || loaded.item.id !== server.item.id || !state.playsHere) {
      showItem(server.item);
    } else {
      // Keep what the row told us unless the server knows more.
      showItem(Object.assign({}, loaded.item, server.item));
    }
  }
  const playing = state.playsHere ? !audio.paused : Boolean(server && server.is_playing);
  ui.play.setAttribute("aria-label", playing ? "Pause" : "Play");
  ui.play.dataset.state = playing ? "playing" : "paused";
  bar.classList.toggle("is-playing", playing);
  if (server) {
    ui.shuffle.setAttribute("aria-pressed", String(server.shuffle_state));
    ui.repeat.dataset.state = server.repeat_state;
    ui.repeat.setAttribute("aria-pressed", String(server.repeat_state !== "off"));
    ui.repeat.setAttribute("aria-label", REPEAT_LABELS[server.repeat_state]);
  }
  const elsewhere = server && server.device && !state.playsHere;
  ui.elsewhere.hidden = !elsewhere;
  bar.classList.toggle("is-remote", Boolean(elsewhere));
  if (elsewhere) {
    ui.elsewhereName.textContent = server.device.name;
    ui.bitrate.textContent = "";
  }
  ui.devicesButton.classList.toggle("is-remote", Boolean(elsewhere));
  renderProgress();
  mediaSessionPlaying(playing);
}

// Open or close one of the bar's panels (queue, devices); `open` omitted toggles it.
export function togglePanel(button, panel, open) {
  const show = open === undefined ? panel.hidden : open;
  panel.hidden = !show;
  button.setAttribute("aria-expanded", String(show));
  return show;
}
