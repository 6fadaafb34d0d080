/*
 * The queue panel: what plays now and next; play next, reorder, remove,
 * clear. And adding a track to the queue, from a row's menu or the panel.
 */
import { say, ui } from "./dom.js";
import { togglePanel } from "./bar.js";
import { contextLabel } from "./radio.js";
import { rowItems, state } from "./state.js";
import { call, command } from "./sync.js";

let queueShownVersion = 0;
let queueIds = [];

export async function refreshQueue() {
  if (ui.queuePanel.hidden) {
    return;
  }
  const answer = await call("GET", "queue/");
  if (!answer.ok) {
    return;
  }
  const data = answer.data;
  queueShownVersion = data.version;
  queueIds = data.queue.map((item) => item.id);
  const now = ui.queuePanel.querySelector("[data-player=queue-now]");
  const mine = ui.queuePanel.querySelector("[data-player=queue-mine]");
  const context = ui.queuePanel.querySelector("[data-player=queue-context]");
  now.textContent = "";
  if (data.currently_playing) {
    now.appendChild(queueRow(data.currently_playing, null));
  }
  mine.textContent = "";
  data.queue.forEach((item, index) => mine.appendChild(queueRow(item, index)));
  ui.queuePanel.querySelector("[data-player=queue-mine-section]").hidden = !data.queue.length;
  // Past the end of the context, what autoplay (or the radio) plays on with.
  const following = data.next_in_context.length ? data.next_in_context : data.autoplay || [];
  ui.queuePanel.querySelector("[data-player=queue-context-title]").textContent = contextLabel(state.server, !data.next_in_context.length);
  context.textContent = "";
  following.forEach((item) => context.appendChild(queueRow(item, undefined)));
  ui.queuePanel.querySelector("[data-player=queue-context-section]").hidden = !following.length;
}

// While the panel is open, it follows the state's version.
export function renderQueue() {
  const server = state.server;
  if (!ui.queuePanel.hidden && (!queueShownVersion || (server && server.version !== queueShownVersion))) {
    refreshQueue();
  }
}

// index: a number for the listener's own queue, null for what plays now, undefined for what comes next from the context.
function queueRow(item, index) {
  const li = document.createElement("li");
  li.className = "queue-item";
  li.innerHTML = '<img alt="" width="40" height="40"><span class="queue-text"><span class="queue-title"></span><span class="queue-artist muted"></span></span><span class="queue-actions"></span>';
  const img = li.querySelector("img");
  if (item.artwork) {
    img.src = item.artwork;
  } else {
    img.hidden = true;
  }
  li.querySelector(".queue-title").textContent = item.title;
  li.querySelector(".queue-artist").textContent = item.artist ? item.artist.name : "";
  const actions = li.querySelector(".queue-actions");
  const add = (label, text, handler) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "player-button small";
    button.setAttribute("aria-label", interpolate(gettext("%(action)s: %(title)s"), { action: label, title: item.title }, true));
    button.title = label;
    button.textContent = text;
    button.addEventListener("click", handler);
    actions.appendChild(button);
  };
  if (typeof index === "number") {
    add(gettext("Move up"), "↑", () => moveQueued(index, -1));
    add(gettext("Move down"), "↓", () => moveQueued(index, 1));
    add(gettext("Remove from queue"), "×", () => setQueue(queueIds.filter((_, i) => i !== index)));
  } else if (index === undefined) {
    add(gettext("Play next"), "+", () => queueAdd(item.id, true));
  }
  return li;
}

function moveQueued(index, by) {
  const to = index + by;
  if (to < 0 || to >= queueIds.length) {
    return;
  }
  const ids = queueIds.slice();
  ids.splice(to, 0, ids.splice(index, 1)[0]);
  setQueue(ids);
}

function setQueue(ids) {
  command("PUT", "queue/", { tracks: ids }).then(refreshQueue);
}

export function queueAdd(trackId, next) {
  command("POST", "queue/", { track: trackId, position: next ? "next" : "end" }).then((answer) => {
    if (answer.ok) {
      const item = rowItems.get(trackId);
      say(interpolate(next ? gettext("%(title)s plays next.") : gettext("%(title)s added to the queue."), { title: item ? item.title : gettext("The track") }, true));
      refreshQueue();
    }
  });
}

export function queueStart() {
  ui.queueButton.addEventListener("click", () => {
    if (togglePanel(ui.queueButton, ui.queuePanel)) {
      togglePanel(ui.devicesButton, ui.devicesPanel, false);
      refreshQueue();
      ui.queuePanel.querySelector("h2").focus();
    }
  });
  ui.queuePanel.querySelector("[data-player=queue-close]").addEventListener("click", () => {
    togglePanel(ui.queueButton, ui.queuePanel, false);
    ui.queueButton.focus();
  });
  ui.queuePanel.querySelector("[data-player=queue-clear]").addEventListener("click", () => {
    command("DELETE", "queue/").then(() => {
      say(gettext("Queue cleared."));
      refreshQueue();
    });
  });
}
