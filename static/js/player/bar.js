/*
 * The bar: what plays and by whom, the progress, the play button's state,
 * shuffle, repeat and "Listening on …" when another device plays. It only
 * shows; what its buttons do is in controls.js.
 *
 * The seek bar is the track's waveform once its peaks have come (GET
 * /api/v1/tracks/{id}/waveform/, one request per track, kept by the browser):
 * a canvas behind the range input, the played part bright and the rest dim.
 * The input stays the slider the listener clicks, drags and moves with the
 * keyboard; a track without peaks keeps the plain bar.
 */
import { formatDuration } from "../format.js";
import { request } from "../http.js";
import { audio, bar, ui } from "./dom.js";
import { mediaSessionPlaying } from "./media-session.js";
import { breakProgress, localProgress, serverProgress, state } from "./state.js";

const REPEAT_LABELS = { off: gettext("Repeat: off"), context: gettext("Repeat: all"), track: gettext("Repeat: this track") };

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
  waveShow(item.id);
}

/* ---- The seek bar as a waveform ---- */

const WAVES_KEPT = 100;
const waves = new Map(); // track id -> its peaks, for the tracks of this page's life
let wave = null; // {wrap, canvas}, made at the first track
let waveTrack = null;
let wavePeaks = [];
let waveFraction = 0;
let waveDrawn = "";

function waveElements() {
  if (!wave) {
    const wrap = document.createElement("div");
    wrap.className = "player-seek-wrap";
    const canvas = document.createElement("canvas");
    canvas.className = "player-wave";
    canvas.setAttribute("aria-hidden", "true");
    ui.seek.before(wrap);
    wrap.append(canvas, ui.seek);
    wave = { wrap: wrap, canvas: canvas };
    window.addEventListener("resize", () => waveDraw(waveFraction));
    // While the listener drags or steps the slider, the bright part follows the thumb.
    ui.seek.addEventListener("input", () => waveDraw(parseInt(ui.seek.value, 10) / (parseInt(ui.seek.max, 10) || 1)));
  }
  return wave;
}

function wavePeaksSet(peaks) {
  wavePeaks = peaks;
  waveDrawn = "";
  waveElements().wrap.classList.toggle("has-wave", peaks.length > 0);
  waveDraw(waveFraction);
}

async function waveShow(trackId) {
  if (trackId === waveTrack) {
    return;
  }
  waveTrack = trackId;
  if (!trackId) {
    wavePeaksSet([]);
    return;
  }
  if (waves.has(trackId)) {
    wavePeaksSet(waves.get(trackId));
    return;
  }
  wavePeaksSet([]);
  let answer = null;
  try {
    answer = await request("GET", "/api/v1/tracks/" + trackId + "/waveform/");
  } catch (error) {
    return; // offline for a moment: the plain bar
  }
  const peaks = answer.ok && answer.data && Array.isArray(answer.data.peaks) ? answer.data.peaks : [];
  if (answer.ok) {
    if (waves.size >= WAVES_KEPT) {
      waves.delete(waves.keys().next().value);
    }
    waves.set(trackId, peaks);
  }
  if (waveTrack === trackId) {
    wavePeaksSet(peaks);
  }
}

// Draw the bars, those before `fraction` of the track in the accent colour; only when what shows has changed.
function waveDraw(fraction) {
  waveFraction = fraction;
  if (!wave || !wavePeaks.length) {
    return;
  }
  const canvas = wave.canvas;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  const ratio = window.devicePixelRatio || 1;
  const played = Math.round(fraction * width);
  const key = width + "x" + height + "@" + ratio + ":" + played;
  if (!width || !height || key === waveDrawn) {
    return;
  }
  waveDrawn = key;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const context = canvas.getContext("2d");
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  const styles = getComputedStyle(wave.wrap);
  const bright = styles.getPropertyValue("--wave-played").trim() || "#1ed760";
  const dim = styles.getPropertyValue("--wave-rest").trim() || "#5f5f5f";
  const step = width / wavePeaks.length;
  const barWidth = Math.max(1, step * 0.7);
  const loudest = Math.max(1, ...wavePeaks); // full height for every track, quiet or loud: the shape is what shows
  wavePeaks.forEach((peak, i) => {
    const h = Math.max(2, (Math.min(peak, loudest) / loudest) * height);
    const x = i * step;
    context.fillStyle = x + barWidth / 2 <= played ? bright : dim;
    context.fillRect(x, (height - h) / 2, barWidth, h);
  });
}

// The ad of the break in place of the track: its picture, title and words, its link, and the countdown.
function showAd(adBreak) {
  const ad = adBreak.ads[Math.min(Math.max(adBreak.index, 0), adBreak.ads.length - 1)];
  ui.title.textContent = ad ? ad.title : gettext("Ad break");
  ui.artist.textContent = gettext("Advertisement");
  linkTo(ui.title, "");
  linkTo(ui.artist, "");
  if (ad && ad.image) {
    ui.art.src = ad.image;
    ui.art.hidden = false;
  } else {
    ui.art.removeAttribute("src");
    ui.art.hidden = true;
  }
  waveShow(null); // the plain bar counts the break down
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
  ui.adCountdown.textContent = interpolate(gettext("Your music continues in %(time)s"), { time: left }, true);
  ui.seek.max = String(progress.total);
  ui.seek.value = String(progress.elapsed);
  ui.seek.setAttribute("aria-valuetext", interpolate(gettext("Ad break: %(time)s left"), { time: left }, true));
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
  ui.seek.setAttribute("aria-valuetext", interpolate(gettext("%(position)s of %(duration)s"), { position: formatDuration(position), duration: formatDuration(server.item.duration_ms) }, true));
  ui.elapsed.textContent = formatDuration(position);
  const fraction = server.item.duration_ms ? position / server.item.duration_ms : 0;
  bar.style.setProperty("--progress", fraction);
  waveDraw(fraction);
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
  ui.play.setAttribute("aria-label", playing ? gettext("Pause") : gettext("Play"));
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
