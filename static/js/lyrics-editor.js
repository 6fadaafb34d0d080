/*
 * The studio's lyrics editor (templates/catalog/lyrics_edit.html): the words
 * in a text box, their timing by tapping along while the track plays, each
 * line's start fine-tuned against the track's waveform, .lrc files in and
 * out, and saving as a draft or publishing, through the same API the apps
 * use (/api/v1/tracks/<id>/lyrics/).
 *
 * The lines are the text box's lines; each keeps its start (or none) while
 * the text is edited, by its place. In sync mode Space, Enter or the Tap
 * button stamps the current line with the audio's time and moves on.
 */
import { errorMessage, request } from "./http.js";

const form = document.getElementById("lyrics-editor");

function part(name) {
  return form.querySelector("[data-lyrics=" + name + "]");
}

// 83456 -> "1:23.45"; null -> "".
export function formatTime(ms) {
  if (typeof ms !== "number") {
    return "";
  }
  const centis = Math.round(ms / 10);
  const minutes = Math.floor(centis / 6000);
  const seconds = ((centis % 6000) / 100).toFixed(2).padStart(5, "0");
  return minutes + ":" + seconds;
}

// "1:23.45", "83.456", "1:23" -> ms; "" -> null; anything else -> undefined.
export function parseTime(text) {
  const value = text.trim();
  if (!value) {
    return null;
  }
  const match = /^(?:(\d+):)?(\d{1,2}|\d+)(?:[.,](\d{1,3}))?$/.exec(value);
  if (!match) {
    return undefined;
  }
  const fraction = match[3] ? parseInt(match[3].padEnd(3, "0"), 10) : 0;
  return (parseInt(match[1] || "0", 10) * 60 + parseInt(match[2], 10)) * 1000 + fraction;
}

const LRC_TIME = /\[(\d+):(\d{1,2})(?:[.:](\d{1,3}))?\]/g;

// An .lrc file's lines and tags, as the editor holds them; the server checks them again on saving.
export function lrcRead(text) {
  const lines = [];
  const tags = {};
  text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/).forEach((raw) => {
    const tag = /^\[([a-z]+):(.*)\]\s*$/i.exec(raw.trim());
    if (tag && !/^\d+$/.test(tag[1])) {
      tags[tag[1].toLowerCase()] = tag[2].trim();
      return;
    }
    const starts = [];
    const words = raw.replace(LRC_TIME, (_, m, s, f) => {
      starts.push((parseInt(m, 10) * 60 + parseInt(s, 10)) * 1000 + (f ? parseInt(f.padEnd(3, "0"), 10) : 0));
      return "";
    });
    const wordText = words.replace(/<\d+:\d{1,2}(?:[.:]\d{1,3})?>/g, "").trim(); // word timings are not edited here
    if (starts.length) {
      starts.forEach((start) => lines.push({ start_ms: start, text: wordText }));
    } else if (wordText) {
      lines.push({ start_ms: null, text: wordText });
    }
  });
  lines.sort((a, b) => (a.start_ms === null || b.start_ms === null ? 0 : a.start_ms - b.start_ms));
  return { lines: lines, language: tags.la || tags.lang || "", writtenBy: tags.au || "" };
}

export function lrcWrite(lines, meta) {
  const head = [];
  const tag = (name, value) => value && head.push("[" + name + ":" + value.replace(/[\[\]\r\n]/g, " ") + "]");
  tag("ti", meta.title);
  tag("ar", meta.artist);
  tag("au", meta.writtenBy);
  tag("la", meta.language);
  const body = lines.map((line) => (typeof line.start_ms === "number" ? "[" + formatTime(line.start_ms).padStart(8, "0") + "]" : "") + line.text);
  return head.concat(body).join("\n") + "\n";
}

if (form) {
  const text = document.getElementById("lyrics-text");
  const language = document.getElementById("lyrics-language");
  const writtenBy = document.getElementById("lyrics-written-by");
  const audio = part("audio");
  const list = part("lines");
  const status = part("status");
  const canvas = part("wave-canvas");
  const durationMs = parseInt(form.dataset.durationMs, 10) || 0;
  const peaksNode = document.getElementById("lyrics-waveform");
  const peaks = peaksNode ? JSON.parse(peaksNode.textContent) : [];
  const lyricsUrl = form.dataset.lyricsUrl;

  let starts = []; // each line's start_ms (or null), by its place
  let texts = [];
  let syncing = -1; // the line the next tap stamps, or -1 outside sync mode
  let selected = -1; // the line the waveform shows picked
  let dirty = false;
  let hasDraft = false;
  let hasPublished = false;

  const say = (words) => {
    status.textContent = "";
    window.setTimeout(() => {
      status.textContent = words;
    }, 60);
  };

  const totalMs = () => durationMs || Math.round((audio.duration || 0) * 1000) || Math.max(1000, ...starts.filter((s) => s !== null)) + 5000;

  /* ---- Lines ---- */

  function readText() {
    texts = text.value.replace(/\r\n?/g, "\n").split("\n");
    while (texts.length && !texts[texts.length - 1].trim()) {
      texts.pop(); // trailing empty lines are no break: nothing comes after them
    }
    starts.length = texts.length;
    for (let i = 0; i < texts.length; i += 1) {
      if (starts[i] === undefined) {
        starts[i] = null;
      }
    }
  }

  function lines() {
    return texts.map((line, i) => ({ start_ms: starts[i], text: line.trim() }));
  }

  function synced() {
    return texts.length > 0 && starts.every((start) => typeof start === "number");
  }

  function setStart(index, ms) {
    starts[index] = ms === null ? null : Math.max(0, Math.min(Math.round(ms), totalMs()));
    dirty = true;
    const row = list.children[index];
    if (row) {
      row.querySelector("input").value = formatTime(starts[index]);
      row.classList.toggle("is-out-of-order", outOfOrder(index));
    }
    drawWave();
  }

  function outOfOrder(index) {
    const start = starts[index];
    if (typeof start !== "number") {
      return false;
    }
    const before = starts.slice(0, index).filter((s) => typeof s === "number");
    return before.length > 0 && before[before.length - 1] > start;
  }

  function renderLines() {
    list.textContent = "";
    texts.forEach((line, index) => {
      const li = document.createElement("li");
      li.className = "lyrics-timing";
      li.dataset.index = String(index);
      const label = line.trim()
        ? interpolate(gettext("Line %(number)s: %(text)s"), { number: index + 1, text: line.trim() }, true)
        : interpolate(gettext("Line %(number)s (instrumental break)"), { number: index + 1 }, true);
      const input = document.createElement("input");
      input.className = "lyrics-time";
      input.inputMode = "decimal";
      input.autocomplete = "off";
      input.placeholder = "–:––.––";
      input.value = formatTime(starts[index]);
      input.setAttribute("aria-label", interpolate(gettext("Start of %(line)s"), { line: label }, true));
      input.addEventListener("focus", () => pick(index));
      input.addEventListener("change", () => {
        const ms = parseTime(input.value);
        if (ms === undefined) {
          input.setAttribute("aria-invalid", "true");
          say(interpolate(gettext("Line %(number)s: write the time as minutes:seconds, such as 1:23.45."), { number: index + 1 }, true));
          return;
        }
        input.removeAttribute("aria-invalid");
        setStart(index, ms);
      });
      const button = (symbol, title, action) => {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "icon-button small";
        b.textContent = symbol;
        b.title = title;
        b.setAttribute("aria-label", title + ", " + label);
        b.addEventListener("click", action);
        return b;
      };
      const nudge = (by) => () => {
        pick(index);
        if (typeof starts[index] !== "number") {
          setStart(index, audio.currentTime * 1000);
        } else {
          setStart(index, starts[index] + by);
        }
        say(interpolate(gettext("%(line)s starts at %(time)s."), { line: label, time: formatTime(starts[index]) }, true));
      };
      const words = document.createElement("span");
      words.className = "lyrics-timing-text" + (line.trim() ? "" : " muted");
      words.textContent = line.trim() || "♪ (break)";
      li.append(
        input,
        button("−", gettext("0.1 s earlier"), nudge(-100)),
        button("+", gettext("0.1 s later"), nudge(100)),
        button("▶", gettext("Play from here"), () => playFrom(index)),
        words,
      );
      li.classList.toggle("is-out-of-order", outOfOrder(index));
      li.classList.toggle("is-picked", index === selected);
      list.appendChild(li);
    });
    drawWave();
  }

  function pick(index) {
    selected = index;
    Array.prototype.forEach.call(list.children, (li, i) => li.classList.toggle("is-picked", i === index));
    drawWave();
  }

  function playFrom(index) {
    pick(index);
    const start = starts[index];
    if (typeof start === "number") {
      audio.currentTime = Math.max(0, start / 1000 - 0.5);
    }
    audio.play().catch(() => undefined);
  }

  text.addEventListener("input", () => {
    readText();
    dirty = true;
    renderLines();
  });

  /* ---- The waveform, its line marks and the playhead ---- */

  function drawWave() {
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (!width || !height) {
      return;
    }
    const ratio = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    const context = canvas.getContext("2d");
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    const total = totalMs();
    const styles = getComputedStyle(canvas);
    const middle = height / 2;
    if (peaks.length) {
      const step = width / peaks.length;
      context.fillStyle = styles.getPropertyValue("--wave") || "#6a6a6a";
      peaks.forEach((peak, i) => {
        const h = Math.max(1, (peak / 255) * (height - 8));
        context.fillRect(i * step, middle - h / 2, Math.max(1, step - 1), h);
      });
    } else {
      context.fillStyle = "#3e3e3e";
      context.fillRect(0, middle - 1, width, 2);
    }
    const x = (ms) => (ms / total) * width;
    starts.forEach((start, i) => {
      if (typeof start !== "number") {
        return;
      }
      context.fillStyle = i === selected ? styles.getPropertyValue("--accent") || "#1ed760" : "#d0d0d0";
      context.fillRect(Math.round(x(start)), 0, i === selected ? 2 : 1, height);
      context.font = "10px sans-serif";
      context.fillText(String(i + 1), Math.round(x(start)) + 3, 10);
    });
    context.fillStyle = "#ffffff";
    context.fillRect(Math.round(x(audio.currentTime * 1000)), 0, 2, height);
  }

  // On the waveform: drag a line's mark to move its start, or click elsewhere to play from there.
  let dragging = -1;
  function msAt(event) {
    const box = canvas.getBoundingClientRect();
    return Math.max(0, Math.min(1, (event.clientX - box.left) / box.width)) * totalMs();
  }
  canvas.addEventListener("pointerdown", (event) => {
    const box = canvas.getBoundingClientRect();
    const perPixel = totalMs() / box.width;
    const ms = msAt(event);
    let nearest = -1;
    starts.forEach((start, i) => {
      if (typeof start === "number" && Math.abs(start - ms) <= 6 * perPixel && (nearest < 0 || Math.abs(start - ms) < Math.abs(starts[nearest] - ms))) {
        nearest = i;
      }
    });
    if (nearest >= 0) {
      dragging = nearest;
      pick(nearest);
      canvas.setPointerCapture(event.pointerId);
    } else {
      audio.currentTime = ms / 1000;
      drawWave();
    }
  });
  canvas.addEventListener("pointermove", (event) => {
    if (dragging >= 0) {
      setStart(dragging, msAt(event));
    }
  });
  canvas.addEventListener("pointerup", () => {
    if (dragging >= 0) {
      say(interpolate(gettext("Line %(number)s starts at %(time)s."), { number: dragging + 1, time: formatTime(starts[dragging]) }, true));
    }
    dragging = -1;
  });
  window.addEventListener("resize", drawWave);

  let frame = 0;
  function followAudio() {
    drawWave();
    frame = audio.paused ? 0 : window.requestAnimationFrame(followAudio);
  }
  audio.addEventListener("play", () => {
    if (!frame) {
      frame = window.requestAnimationFrame(followAudio);
    }
    // One track at a time: the player bar pauses what it plays here, as its own button would.
    const playerAudio = document.querySelector("#player audio");
    const playerButton = document.querySelector("#player [data-player=play]");
    if (playerAudio && playerButton && !playerAudio.paused) {
      playerButton.click();
    }
  });
  audio.addEventListener("seeked", drawWave);
  audio.addEventListener("loadedmetadata", drawWave);

  /* ---- Sync mode: each tap stamps the current line ---- */

  function showSyncing() {
    const on = syncing >= 0;
    part("sync").hidden = on;
    part("tap").hidden = !on;
    part("sync-stop").hidden = !on;
    const now = part("sync-now");
    now.hidden = !on;
    if (on) {
      const line = texts[syncing].trim() || "♪ (break)";
      now.textContent = interpolate(gettext("Next: line %(number)s of %(count)s: %(text)s"), { number: syncing + 1, count: texts.length, text: line }, true);
    }
    Array.prototype.forEach.call(list.children, (li, i) => li.classList.toggle("is-syncing", i === syncing));
  }

  function syncStart() {
    readText();
    if (!texts.length) {
      say(gettext("Write or paste the lyrics first."));
      text.focus();
      return;
    }
    renderLines();
    // From the first line without a start, or from the top when every line has one.
    const from = starts.findIndex((start) => typeof start !== "number");
    syncing = from < 0 ? 0 : from;
    const resumeAt = syncing > 0 ? starts[syncing - 1] / 1000 : 0;
    audio.currentTime = Math.max(0, resumeAt);
    audio.play().catch(() => undefined);
    showSyncing();
    part("tap").focus();
    say(interpolate(gettext("Syncing from line %(number)s. Press Space or Enter at the start of each line."), { number: syncing + 1 }, true));
  }

  function tap() {
    if (syncing < 0) {
      return;
    }
    setStart(syncing, audio.currentTime * 1000);
    pick(syncing);
    list.children[syncing].scrollIntoView({ block: "nearest" });
    syncing += 1;
    if (syncing >= texts.length) {
      syncStop();
      say(gettext("Every line has its start. Fine-tune them, then save."));
      return;
    }
    showSyncing();
  }

  function syncStop() {
    syncing = -1;
    showSyncing();
    part("sync").focus();
  }

  part("sync").addEventListener("click", syncStart);
  part("tap").addEventListener("click", tap);
  part("sync-stop").addEventListener("click", () => {
    audio.pause();
    syncStop();
    say(gettext("Syncing stopped."));
  });
  part("clear-times").addEventListener("click", () => {
    starts = starts.map(() => null);
    dirty = true;
    renderLines();
    say(gettext("Every line's start is cleared."));
  });
  // Space and Enter tap while syncing, wherever the focus is but in a text field; before the player's own keys.
  window.addEventListener(
    "keydown",
    (event) => {
      if (syncing < 0 || event.repeat || event.ctrlKey || event.metaKey || event.altKey) {
        return;
      }
      if (event.key !== " " && event.key !== "Enter") {
        return;
      }
      const target = event.target instanceof Element ? event.target : null;
      if (target && target.closest("input, textarea, select") && !target.closest("[data-lyrics=tap]")) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      tap();
    },
    true,
  );

  /* ---- .lrc in and out ---- */

  function fill(data) {
    starts = data.lines.map((line) => (typeof line.start_ms === "number" ? line.start_ms : null));
    text.value = data.lines.map((line) => line.text).join("\n");
    language.value = data.language || "";
    writtenBy.value = data.written_by || "";
    readText();
    renderLines();
  }

  const importInput = document.getElementById("lyrics-lrc-file");
  importInput.addEventListener("change", async () => {
    const file = importInput.files && importInput.files[0];
    importInput.value = "";
    if (!file) {
      return;
    }
    if (file.size > 64 * 1024) {
      say(interpolate(gettext("“%(name)s” is larger than 64 KB: it cannot be lyrics."), { name: file.name }, true));
      return;
    }
    const read = lrcRead(await file.text());
    if (!read.lines.length) {
      say(interpolate(gettext("“%(name)s” holds no lines."), { name: file.name }, true));
      return;
    }
    fill({ lines: read.lines, language: read.language || language.value, written_by: read.writtenBy || writtenBy.value });
    dirty = true;
    say(interpolate(ngettext("Read %(count)s line from “%(name)s”. Save to keep it.", "Read %(count)s lines from “%(name)s”. Save to keep them.", read.lines.length), { count: read.lines.length, name: file.name }, true));
  });

  part("export").addEventListener("click", () => {
    readText();
    const lrc = lrcWrite(lines(), { title: form.dataset.title, artist: form.dataset.artist, language: language.value.trim(), writtenBy: writtenBy.value.trim() });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([lrc], { type: "text/plain;charset=utf-8" }));
    link.download = (form.dataset.title || "lyrics").replace(/[\\/:*?"<>|]+/g, " ").trim() + ".lrc";
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  });

  /* ---- Saving, publishing and what is there ---- */

  function showState() {
    const node = form.ownerDocument.querySelector("[data-lyrics=state] .muted");
    const parts = [];
    parts.push(hasPublished ? gettext("Published lyrics are shown to listeners.") : gettext("No lyrics are published."));
    if (hasDraft) {
      parts.push(gettext("A draft is saved."));
    }
    node.textContent = parts.join(" ");
    part("delete-draft").hidden = !hasDraft;
  }

  async function save(state) {
    readText();
    const body = {
      state: state,
      synced: synced(),
      language: language.value.trim(),
      written_by: writtenBy.value.trim(),
      lines: lines(),
    };
    const answer = await request("PUT", lyricsUrl, { json: body, form: form });
    if (!answer.ok) {
      say(errorMessage(answer.data, answer.status, gettext("The lyrics were refused.")));
      return false;
    }
    return true;
  }

  part("save").addEventListener("click", async () => {
    if (await save("draft")) {
      dirty = false;
      hasDraft = true;
      showState();
      say(synced() ? gettext("Draft saved, synced.") : gettext("Draft saved, without timing on every line."));
    }
  });

  part("publish").addEventListener("click", async () => {
    if (!(await save("draft"))) {
      return;
    }
    const answer = await request("POST", form.dataset.publishUrl, { form: form });
    if (!answer.ok) {
      hasDraft = true;
      showState();
      say(errorMessage(answer.data, answer.status, gettext("The lyrics could not be published.")));
      return;
    }
    dirty = false;
    hasDraft = false;
    hasPublished = true;
    showState();
    say(gettext("Published: listeners see these lyrics with the track."));
  });

  part("delete-draft").addEventListener("click", async () => {
    if (!window.confirm(gettext("Discard the draft and go back to the published lyrics?"))) {
      return;
    }
    const answer = await request("DELETE", lyricsUrl + "?state=draft", { form: form });
    if (!answer.ok && answer.status !== 404) {
      say(errorMessage(answer.data, answer.status, gettext("The draft could not be discarded.")));
      return;
    }
    hasDraft = false;
    await loadLyrics();
    say(gettext("The draft is discarded."));
  });

  window.addEventListener("beforeunload", (event) => {
    if (dirty) {
      event.preventDefault();
    }
  });

  async function loadLyrics() {
    const [draft, published] = await Promise.all([
      request("GET", lyricsUrl + "?state=draft"),
      request("GET", lyricsUrl),
    ]);
    hasDraft = draft.ok;
    hasPublished = published.ok;
    const shown = draft.ok ? draft.data : published.ok ? published.data : null;
    fill(shown || { lines: [], language: "", written_by: "" });
    dirty = false;
    showState();
  }

  // The audio: the stream the listeners get, else (say, while an ad break is due) the uploaded file.
  async function loadAudio() {
    const grant = await request("GET", form.dataset.streamUrl).catch(() => null);
    if (grant && grant.ok && grant.data && grant.data.url && audio.canPlayType('audio/mp4; codecs="mp4a.40.2"')) {
      audio.src = grant.data.url;
    } else {
      audio.src = form.dataset.originalUrl;
    }
  }

  form.hidden = false;
  loadAudio();
  loadLyrics().catch(() => say(gettext("The lyrics could not be loaded; reload the page to try again.")));
}
