/*
 * Previews for visitors without an account (templates/streaming/_preview_player.html):
 * a play button on a track row asks GET /api/v1/tracks/{id}/preview/ for a
 * signed URL of the track's 30-second preview and plays it in the small player
 * the page brings; the rows after it in the same list play next, and the end of
 * each preview shows the prompt to sign up. Listeners signed in have the whole
 * player instead (static/js/player/) and never load this.
 */

// Django's JavaScript catalogue (/jsi18n/) when the page has it; the English text otherwise.
function gettext(text) {
  return window.gettext ? window.gettext(text) : text;
}

let queue = []; // the rows still to play, next first
let current = null; // the row playing

const player = () => document.getElementById("preview-player");
const part = (name) => player()?.querySelector(`[data-preview="${name}"]`);
const audio = () => player()?.querySelector("audio");

function playableRows(list) {
  return [...list.querySelectorAll(".track-row[data-track-id]")].filter((row) => !row.classList.contains("unavailable"));
}

function markRows() {
  document.querySelectorAll("[data-tracklist] .track-row").forEach((row) => {
    const playing = row === current;
    row.classList.toggle("is-current", playing);
    row.classList.toggle("is-playing", playing && !audio()?.paused);
  });
}

function render() {
  const element = audio();
  const toggle = part("toggle");
  if (!element || !toggle) return;
  const paused = element.paused;
  toggle.dataset.state = paused ? "paused" : "playing";
  toggle.setAttribute("aria-label", paused ? gettext("Play") : gettext("Pause"));
  part("next").disabled = queue.length === 0;
  markRows();
}

function promptShow(message) {
  part("message").textContent = message;
  part("signup").hidden = false;
}

async function play(row) {
  const element = audio();
  if (!element || !row) return;
  current = row;
  const box = player();
  box.hidden = false;
  document.body.classList.add("has-player");
  part("title").textContent = row.dataset.title || "";
  part("artist").textContent = row.dataset.artist || "";
  const art = part("art");
  art.hidden = !row.dataset.artwork;
  if (row.dataset.artwork) art.src = row.dataset.artwork;
  part("progress").value = 0;
  const url = box.dataset.previewUrl.replace("/0/", `/${row.dataset.trackId}/`);
  let response;
  try {
    response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  } catch {
    promptShow(gettext("The preview could not be loaded. Try again in a moment."));
    return;
  }
  if (row !== current) return; // another row was chosen meanwhile
  if (response.status === 429) {
    promptShow(gettext("That's a lot of previews: sign up to keep listening, or try again in a minute."));
    render();
    return;
  }
  if (!response.ok) {
    next(); // this track has no preview (yet): go on with the next
    return;
  }
  const grant = await response.json();
  box.dataset.trackId = String(grant.track_id);
  element.src = grant.url;
  element.play().catch(() => render());
  render();
}

function next() {
  const row = queue.shift();
  if (row) {
    play(row);
  } else {
    current = null;
    render();
  }
}

function start(list, row) {
  const rows = playableRows(list);
  const index = row ? rows.indexOf(row) : 0;
  if (index < 0 || !rows.length) return;
  queue = rows.slice(index + 1);
  play(rows[index]);
}

document.addEventListener("click", (event) => {
  if (!player()) return;
  const button = event.target.closest("[data-action], [data-preview]");
  if (!button) return;
  const action = button.dataset.action || button.dataset.preview;
  if (action === "play") {
    const row = button.closest(".track-row");
    const list = button.closest("[data-tracklist]");
    if (row && list) {
      event.preventDefault();
      if (row === current) {
        toggle();
      } else {
        start(list, row);
      }
    }
  } else if (action === "play-all") {
    const list = document.querySelector(`${button.dataset.target} [data-tracklist], ${button.dataset.target}[data-tracklist]`);
    if (list) {
      event.preventDefault();
      start(list, null);
    }
  } else if (action === "toggle") {
    toggle();
  } else if (action === "next") {
    next();
  }
});

function toggle() {
  const element = audio();
  if (!element || !element.src) return;
  if (element.paused) element.play().catch(() => render());
  else element.pause();
  render();
}

// Media events do not bubble: listen in the capture phase, so the audio element of any page is heard.
document.addEventListener(
  "ended",
  (event) => {
    if (event.target !== audio()) return;
    promptShow(gettext("That was a preview. Sign up free to hear whole tracks."));
    next();
  },
  true,
);
for (const kind of ["play", "pause"]) {
  document.addEventListener(kind, (event) => event.target === audio() && render(), true);
}
document.addEventListener(
  "timeupdate",
  (event) => {
    const element = audio();
    if (event.target !== element || !element.duration) return;
    part("progress").value = element.currentTime / element.duration;
  },
  true,
);
// A page swapped in by htmx brings a new player: what played was on the page that left.
document.addEventListener("htmx:afterSwap", () => {
  queue = [];
  current = null;
  if (!player() || player().hidden) document.body.classList.remove("has-player");
});
