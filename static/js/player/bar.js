/*
 * The bar: what plays and by whom, the progress, the play button's state,
 * shuffle, repeat and "Listening on …" when another device plays. It only
 * shows; what its buttons do is in controls.js.
 */
import { formatDuration } from "../format.js";
import { audio, bar, ui } from "./dom.js";
import { mediaSessionPlaying } from "./media-session.js";
import { breakProgress, localProgress, serverProgress, state } from "./state.js";

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

// The ad of the break in place of the track: its picture, title and words, its link, and the countdown.
function showAd(adBreak) {
  const ad = adBreak.ads[Math.min(Math.max(adBreak.index, 0), adBreak.ads.length - 1)];
  ui.title.textContent = ad ? ad.title : "Ad break";
  ui.artist.textContent = "Advertisement";
  linkTo(ui.title, "");
  linkTo(ui.artist, "");
  if (ad && ad.image) {
    ui.art.src = ad.image;
    ui.art.hidden = false;
  } else {
    ui.art.removeAttribute("src");
    ui.art.hidden = true;
  }
  ui.adText.textContent = ad ? ad.text : "";
  ui.adName.textContent = ad ? ad.title : "";
  if (ad && ad.click_url) {
    ui.adLink.href = ad.click_url;
    ui.adLink.hidden = false;
  } else {
    ui.adLink.removeAttribute("href");
    ui.adLink.hidden = true;
  }
  ui.bitrate.textContent = "";
  bar.classList.add("has-item");
}

// Seek, previous and next wait for the end of an ad break, and say so.
function renderBreakControls(inBreak) {
  bar.classList.toggle("is-ad", inBreak);
  ui.ad.hidden = !inBreak;
  [ui.prev, ui.next].forEach((button) => {
    if (inBreak) {
      button.setAttribute("aria-disabled", "true");
    } else {
      button.removeAttribute("aria-disabled");
    }
  });
  ui.seek.disabled = inBreak;
  if (inBreak) {
    ui.seek.setAttribute("aria-disabled", "true");
  } else {
    ui.seek.removeAttribute("aria-disabled");
  }
}

function renderBreakProgress() {
  const progress = breakProgress();
  const left = formatDuration(Math.ceil(progress.remaining / 1000) * 1000);
  ui.adCountdown.textContent = "Your music continues in " + left;
  ui.seek.max = String(progress.total);
  ui.seek.value = String(progress.elapsed);
  ui.seek.setAttribute("aria-valuetext", "Ad break: " + left + " left");
  ui.elapsed.textContent = formatDuration(progress.elapsed);
  ui.total.textContent = formatDuration(progress.total);
  bar.style.setProperty("--progress", progress.total ? progress.elapsed / progress.total : 0);
}

// While the listener drags the seek bar, the progress leaves it alone.
let seeking = false;
export function barSeeking(now) {
  seeking = now;
}

export function renderProgress() {
  if (state.adBreak) {
    renderBreakProgress();
    return;
  }
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
  const adBreak = state.adBreak;
  renderBreakControls(Boolean(adBreak));
  if (adBreak) {
    showAd(adBreak);
  } else if (server && server.item && !(state.loading && state.playsHere)) {
    if (!loaded || loaded.item.id !== server.item.id || !state.playsHere) {
      showItem(server.item);
    } else {
      // Keep what the row told us unless the server knows more.
      showItem(Object.assign({}, loaded.item, server.item));
    }
  }
  let playing = state.playsHere ? !audio.paused : Boolean(server && server.is_playing);
  if (adBreak) {
    playing = adBreak.play; // between two ads, and while the server asks to wait, too
  }
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
