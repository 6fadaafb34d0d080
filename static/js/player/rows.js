/*
 * Track rows (templates/catalog/_track_row.html: li[data-track-id] inside
 * [data-tracklist]) and play-all buttons, anywhere on any page, now or swapped
 * in later: played by event delegation on the document. Each row gets a "⋯"
 * button (and the right-click menu) with "Play next", "Add to queue" and
 * "Start song radio"; the row that plays, and the play-all button of the list
 * it came from, show it.
 */
import { audio } from "./dom.js";
import { load } from "./audio.js";
import { togglePlay } from "./controls.js";
import { queueAdd } from "./queue.js";
import { radioStart } from "./radio.js";
import { rowItems, state } from "./state.js";
import { command } from "./sync.js";

const PLAYABLE_ROWS = "[data-tracklist] li[data-track-id]:not([aria-disabled=true])";

let rowMenu = null;
let rowMenuTrack = null;
let rowMenuOpener = null;

function playableRows(list) {
  return Array.from(list.querySelectorAll("li[data-track-id]")).filter((row) => row.getAttribute("aria-disabled") !== "true");
}

function itemFromRow(row) {
  const duration = parseInt(row.dataset.durationMs, 10);
  return {
    id: parseInt(row.dataset.trackId, 10),
    title: row.dataset.title || "",
    duration_ms: Number.isFinite(duration) ? duration : null,
    artist: { name: row.dataset.artist || "" },
    album: null,
    artwork: row.dataset.artwork || "",
    artwork_large: row.dataset.artwork || "",
  };
}

// Play a list's rows from one of them: the queue becomes the list.
function playRows(list, index) {
  const rows = playableRows(list);
  if (!rows.length) {
    return;
  }
  const tracks = rows.map((row) => {
    const item = itemFromRow(row);
    rowItems.set(item.id, item);
    return item.id;
  });
  const offset = Math.max(0, Math.min(index, tracks.length - 1));
  const item = rowItems.get(tracks[offset]);
  // Start at once (the click allows sound now); the server hears of it in parallel.
  state.playsHere = true;
  load(item, 0, true);
  command("PUT", "play/", {
    device_id: state.device,
    tracks: tracks,
    offset: { position: offset },
    context_uri: location.pathname,
  });
}

function tracklistFor(button) {
  const selector = button.dataset.target || (button.getAttribute("aria-controls") ? "#" + button.getAttribute("aria-controls") : "");
  const scope = selector ? document.querySelector(selector) : button.closest("[data-tracklist]") || button.parentElement;
  if (!scope) {
    return null;
  }
  return scope.matches("[data-tracklist]") ? scope : scope.querySelector("[data-tracklist]");
}

// Whether what plays came from this list, started on this page.
function playsFrom(list) {
  const server = state.server;
  return Boolean(
    server && server.item && server.context && server.context.uri === location.pathname &&
      list.querySelector('li[data-track-id="' + server.item.id + '"]')
  );
}

export function markPlayingRows() {
  const server = state.server;
  const current = server && server.item ? String(server.item.id) : "";
  document.querySelectorAll("[data-tracklist] li[data-track-id]").forEach((row) => {
    const playing = row.dataset.trackId === current;
    row.classList.toggle("is-current", playing);
    row.classList.toggle("is-playing", playing && Boolean(server && server.is_playing));
  });
  const playingHere = state.playsHere && Boolean(state.loaded) && !audio.paused;
  document.querySelectorAll("[data-action=play-all]").forEach((button) => {
    const list = tracklistFor(button);
    button.textContent = playingHere && list && playsFrom(list) ? gettext("Pause") : gettext("Play");
  });
}

export function decorateRows(root) {
  root.querySelectorAll(PLAYABLE_ROWS).forEach((row) => {
    if (row.querySelector("[data-player-row-menu]")) {
      return;
    }
    const button = document.createElement("button");
    button.type = "button";
    button.className = "row-menu";
    button.dataset.playerRowMenu = "";
    button.setAttribute("aria-haspopup", "menu");
    button.setAttribute("aria-label", row.dataset.title ? interpolate(gettext("More for %(title)s"), { title: row.dataset.title }, true) : gettext("More for this track"));
    button.innerHTML = '<svg aria-hidden="true" viewBox="0 0 24 24" width="18" height="18"><circle cx="5" cy="12" r="2"/><circle cx="12" cy="12" r="2"/><circle cx="19" cy="12" r="2"/></svg>';
    const slot = row.querySelector(".track-actions") || row;
    slot.appendChild(button);
  });
  markPlayingRows();
}

function openRowMenu(row, opener, x, y) {
  if (!row) {
    return;
  }
  const item = itemFromRow(row);
  rowItems.set(item.id, item);
  rowMenuTrack = item.id;
  rowMenuOpener = opener;
  rowMenu.hidden = false;
  const box = opener ? opener.getBoundingClientRect() : { left: x, bottom: y, right: x };
  const left = Math.min(window.innerWidth - rowMenu.offsetWidth - 8, Math.max(8, (opener ? box.right - rowMenu.offsetWidth : box.left)));
  const top = Math.min(window.innerHeight - rowMenu.offsetHeight - 96, box.bottom + 4);
  rowMenu.style.left = left + "px";
  rowMenu.style.top = Math.max(8, top) + "px";
  if (opener) {
    opener.setAttribute("aria-expanded", "true");
  }
  rowMenu.querySelector("button").focus();
}

export function closeRowMenu() {
  if (rowMenu.hidden) {
    return;
  }
  rowMenu.hidden = true;
  if (rowMenuOpener) {
    rowMenuOpener.setAttribute("aria-expanded", "false");
    rowMenuOpener.focus();
  }
  rowMenuOpener = null;
}

export function rowsStart() {
  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) {
      return;
    }
    const playButton = target.closest("[data-action=play]");
    if (playButton) {
      const row = playButton.closest("li[data-track-id]");
      const list = row && row.closest("[data-tracklist]");
      if (row && list) {
        event.preventDefault();
        const server = state.server;
        if (server && server.item && state.playsHere && parseInt(row.dataset.trackId, 10) === server.item.id && state.loaded) {
          togglePlay();
        } else {
          playRows(list, playableRows(list).indexOf(row));
        }
      }
      return;
    }
    const playAll = target.closest("[data-action=play-all]");
    if (playAll) {
      const list = tracklistFor(playAll);
      if (list) {
        event.preventDefault();
        if (state.playsHere && state.loaded && playsFrom(list)) {
          togglePlay(); // the list is already playing here: its button pauses and resumes it
        } else {
          playRows(list, 0);
        }
      }
      return;
    }
    const menuButton = target.closest("[data-player-row-menu]");
    if (menuButton) {
      event.preventDefault();
      openRowMenu(menuButton.closest("li[data-track-id]"), menuButton);
    }
  });

  rowMenu = document.createElement("div");
  rowMenu.className = "player-menu";
  rowMenu.setAttribute("role", "menu");
  rowMenu.hidden = true;
  rowMenu.innerHTML =
    '<button type="button" role="menuitem" data-menu="next"></button>' +
    '<button type="button" role="menuitem" data-menu="end"></button>' +
    '<button type="button" role="menuitem" data-menu="radio"></button>';
  rowMenu.querySelector('[data-menu="next"]').textContent = gettext("Play next");
  rowMenu.querySelector('[data-menu="end"]').textContent = gettext("Add to queue");
  rowMenu.querySelector('[data-menu="radio"]').textContent = gettext("Start song radio");
  document.body.appendChild(rowMenu);

  rowMenu.addEventListener("click", (event) => {
    const choice = event.target instanceof Element && event.target.closest("[data-menu]");
    if (choice && rowMenuTrack) {
      if (choice.dataset.menu === "radio") {
        const item = rowItems.get(rowMenuTrack);
        radioStart("track", rowMenuTrack, item ? item.title : "");
      } else {
        queueAdd(rowMenuTrack, choice.dataset.menu === "next");
      }
      closeRowMenu();
    }
  });
  rowMenu.addEventListener("keydown", (event) => {
    const items = Array.from(rowMenu.querySelectorAll("button"));
    const at = items.indexOf(document.activeElement);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      items[(at + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length].focus();
    } else if (event.key === "Escape" || event.key === "Tab") {
      event.preventDefault();
      closeRowMenu();
    }
  });
  document.addEventListener("contextmenu", (event) => {
    const row = event.target instanceof Element && event.target.closest(PLAYABLE_ROWS);
    if (row && !event.target.closest("a")) {
      event.preventDefault();
      openRowMenu(row, null, event.clientX, event.clientY);
    }
  });
  document.addEventListener("pointerdown", (event) => {
    if (!rowMenu.hidden && !rowMenu.contains(event.target) && !(event.target instanceof Element && event.target.closest("[data-player-row-menu]"))) {
      rowMenu.hidden = true;
    }
  });

  document.addEventListener("sc:navigated", () => {
    decorateRows(document);
    closeRowMenu();
  });
  document.addEventListener("htmx:load", (event) => decorateRows(event.target));
}
