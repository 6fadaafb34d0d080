/*
 * The lyrics view: a panel beside the bar with the words of what plays
 * (GET /api/v1/tracks/{id}/lyrics/), whichever device plays it. Synced
 * lyrics mark the current line from the position (this device's audio when
 * it plays here, else the server's state moved on by the time since), at
 * every frame while the panel is open, scroll it into view and say it
 * politely when it changes; plain lyrics are shown as they are, and "No
 * lyrics" when the track has none. The panel sits outside the page content,
 * so page navigation leaves it alone. Clicking a synced line plays from it.
 */
import { ui } from "./dom.js";
import { togglePanel } from "./bar.js";
import { seek } from "./controls.js";
import { localProgress, serverProgress, state } from "./state.js";
import { call } from "./sync.js";

let panel = null;
let lines = null; // the <ol>
let shownId = null; // the track whose lyrics are shown (or asked for)
let lyrics = null; // what the API answered for it, or null when it has none
let timed = []; // [{start, node}] of a synced text, in order
let current = -1;
let frame = 0;

function part(name) {
  return panel.querySelector("[data-player=" + name + "]");
}

function playingItem() {
  const server = state.server;
  return server && server.item ? server.item : null;
}

// Where playback is now, in ms: this device's audio when it plays here, else the active device's by the state.
function position() {
  return state.playsHere && state.loaded && state.loaded.item.id === shownId ? localProgress() : serverProgress();
}

// The last line that has started by `ms`; -1 before the first.
export function lineAt(starts, ms) {
  let low = 0;
  let high = starts.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (starts[middle] <= ms) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

function announce(text) {
  const region = part("lyrics-now");
  region.textContent = text;
}

function mark(index) {
  if (index === current) {
    return;
  }
  if (current >= 0 && timed[current]) {
    timed[current].node.classList.remove("is-current");
    timed[current].node.removeAttribute("aria-current");
  }
  current = index;
  if (index < 0) {
    return;
  }
  const node = timed[index].node;
  node.classList.add("is-current");
  node.setAttribute("aria-current", "true");
  const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  node.scrollIntoView({ block: "center", behavior: still ? "auto" : "smooth" });
  if (node.textContent.trim()) {
    announce(node.textContent); // an instrumental break says nothing
  }
}

function tick() {
  frame = 0;
  if (panel.hidden || !timed.length) {
    return;
  }
  mark(lineAt(timed.map((line) => line.start), position()));
  frame = window.requestAnimationFrame(tick);
}

function follow() {
  if (!frame && !panel.hidden && timed.length) {
    frame = window.requestAnimationFrame(tick);
  }
}

function show(item, data) {
  lyrics = data;
  timed = [];
  current = -1;
  lines.textContent = "";
  announce("");
  part("lyrics-track").textContent = item ? item.title + (item.artist ? " · " + item.artist.name : "") : "";
  const empty = part("lyrics-empty");
  const credit = part("lyrics-credit");
  if (!data || !data.lines.length) {
    empty.textContent = item ? gettext("No lyrics for this track.") : gettext("Nothing is playing.");
    empty.hidden = false;
    credit.hidden = true;
    lines.removeAttribute("lang");
    lines.classList.remove("is-synced");
    return;
  }
  empty.hidden = true;
  if (data.language) {
    lines.setAttribute("lang", data.language);
  } else {
    lines.removeAttribute("lang");
  }
  lines.classList.toggle("is-synced", Boolean(data.synced));
  data.lines.forEach((line) => {
    const li = document.createElement("li");
    li.className = "lyrics-line";
    li.textContent = line.text;
    if (!line.text.trim()) {
      li.classList.add("is-break");
      li.setAttribute("aria-hidden", "true");
      li.textContent = "♪";
    }
    lines.appendChild(li);
    if (data.synced && typeof line.start_ms === "number") {
      timed.push({ start: line.start_ms, node: li });
      li.addEventListener("click", () => seek(line.start_ms)); // for the pointer; the keyboard seeks with the arrows
    }
  });
  credit.textContent = data.written_by ? interpolate(gettext("Written by %(author)s"), { author: data.written_by }, true) : "";
  credit.hidden = !data.written_by;
  panel.scrollTop = 0;
  follow();
}

async function load(item) {
  shownId = item ? item.id : null;
  if (!item) {
    show(null, null);
    return;
  }
  const answer = await call("GET", "/api/v1/tracks/" + item.id + "/lyrics/");
  if (shownId !== item.id) {
    return; // another track began meanwhile
  }
  show(item, answer.ok && answer.data && Array.isArray(answer.data.lines) ? answer.data : null);
}

// While the panel is open it follows what plays, here or on the listener's other device.
export function renderLyrics() {
  if (panel.hidden) {
    return;
  }
  const item = playingItem();
  if ((item ? item.id : null) !== shownId) {
    load(item);
  } else {
    follow();
  }
}

export function lyricsOpen(open) {
  const shown = togglePanel(ui.lyricsButton, panel, open);
  if (shown) {
    togglePanel(ui.queueButton, ui.queuePanel, false);
    togglePanel(ui.devicesButton, ui.devicesPanel, false);
    const item = playingItem();
    load(item); // asked again at each opening: the artist may have published since
    panel.querySelector("h2").focus();
  } else if (frame) {
    window.cancelAnimationFrame(frame);
    frame = 0;
  }
  return shown;
}

// For the browser tests: which track's lyrics are shown and the line marked.
export function lyricsShown() {
  return { trackId: shownId, line: current, synced: Boolean(lyrics && lyrics.synced) };
}

export function lyricsStart() {
  panel = ui.lyricsPanel;
  lines = part("lyrics-lines");
  ui.lyricsButton.addEventListener("click", () => lyricsOpen());
  part("lyrics-close").addEventListener("click", () => {
    lyricsOpen(false);
    ui.lyricsButton.focus();
  });
  // The queue takes the same place, and the devices' list would open under the panel: either closes it.
  [
    [ui.queueButton, ui.queuePanel],
    [ui.devicesButton, ui.devicesPanel],
  ].forEach(([button, other]) => {
    button.addEventListener("click", () => {
      if (!other.hidden && !panel.hidden) {
        lyricsOpen(false);
      }
    });
  });
}
