/*
 * The web player: one <audio> element in the player bar, outside the page
 * content, so that it keeps playing while htmx swaps pages in and out.
 *
 * - Playback state lives on the server (/api/v1/me/player/...): this browser
 *   is one of the listener's devices. Commands change the state; the device
 *   that plays reports where it is every few seconds; every device asks for
 *   the state with the version it has, once a second while visible, and gets
 *   a 304 until something changed. A change meant for this device (pause,
 *   skip, playback moved here or away) arrives the same way.
 * - Audio comes from the signed stream URL (/api/v1/tracks/{id}/stream/):
 *   the progressive AAC file where the browser plays it, native HLS where it
 *   plays that, hls.js (loaded on demand) otherwise. Loudness is normalised
 *   toward -14 LUFS, only ever turned down, so nothing clips. The next
 *   track's URL is fetched ahead and its first bytes warmed.
 * - Track rows (templates/catalog/_track_row.html) are played by event
 *   delegation on the document, so pages swapped in later work too.
 * - Keyboard: Space or K play/pause, ←/→ seek 5 s, Shift+←/→ previous/next,
 *   Shift+↑/↓ volume, M mute, S shuffle, R repeat, Q queue. Not while typing.
 * See docs/player.md.
 */
// Navigation with htmx: only the page content is swapped; the bar and its audio stay.
(function () {
  "use strict";

  const NOT_BOOSTED = /^\/(accounts|studio|admin|api|edge|stream|media)\//;

  document.addEventListener("htmx:beforeProcessNode", (event) => {
    const node = event.target;
    if (!(node instanceof Element)) {
      return;
    }
    let path = null;
    if (node.tagName === "A") {
      path = node.getAttribute("href");
    } else if (node.tagName === "FORM") {
      path = node.getAttribute("action") || location.pathname;
    }
    if (path !== null) {
      try {
        const url = new URL(path, location.href);
        if (url.origin !== location.origin || NOT_BOOSTED.test(url.pathname) || node.hasAttribute("download")) {
          node.setAttribute("hx-boost", "false");
        }
      } catch (error) {
        node.setAttribute("hx-boost", "false");
      }
    }
  });

  document.addEventListener("htmx:beforeSwap", (event) => {
    const detail = event.detail;
    if (!detail.boosted) {
      return;
    }
    const html = detail.serverResponse || "";
    const signedInThere = /id=["']?player["'\s>]/.test(html);
    const signedInHere = Boolean(document.getElementById("player"));
    if (!/id=["']?main["'\s>]/.test(html) || signedInThere !== signedInHere) {
      // Not one of our pages, or signed in or out on the way: let the browser load it whole.
      event.preventDefault();
      window.location.assign(detail.pathInfo.responsePath || detail.requestConfig.path);
      return;
    }
    if (detail.isError) {
      detail.shouldSwap = true; // our error pages are pages too
      detail.isError = false;
    }
    loadAssets(html);
  });

  document.addEventListener("htmx:historyCacheMissLoad", (event) => {
    // A page fetched again for the back button: only its content goes into <main>.
    const page = new DOMParser().parseFromString(event.detail.response, "text/html");
    const main = page.getElementById("main");
    if (main) {
      event.detail.response = main.innerHTML;
      document.title = page.title;
    }
  });

  function loadAssets(html) {
    // Stylesheets and scripts a swapped-in page needs that this one did not have.
    const page = new DOMParser().parseFromString(html, "text/html");
    page.querySelectorAll("link[rel=stylesheet][href]").forEach((link) => {
      if (!document.querySelector('link[rel=stylesheet][href="' + link.getAttribute("href") + '"]')) {
        document.head.appendChild(link.cloneNode());
      }
    });
    page.querySelectorAll("script[src]").forEach((script) => {
      if (!document.querySelector('script[src="' + script.getAttribute("src") + '"]')) {
        const copy = document.createElement("script");
        Array.from(script.attributes).forEach((attr) => copy.setAttribute(attr.name, attr.value));
        document.body.appendChild(copy);
      }
    });
  }

  function afterNavigation(fromHistory) {
    const main = document.getElementById("main");
    if (fromHistory) {
      markCurrentNav();
    }
    if (main) {
      main.focus({ preventScroll: true });
      if (!fromHistory) {
        window.scrollTo(0, 0);
      }
    }
    document.dispatchEvent(new CustomEvent("sc:navigated", { detail: { fromHistory: fromHistory } }));
  }

  function markCurrentNav() {
    // After the back button no fresh sidebar comes from the server: the longest matching link is current.
    const links = Array.from(document.querySelectorAll("#sidebar-nav a[href]"));
    let best = null;
    links.forEach((link) => {
      const path = new URL(link.href).pathname;
      if ((location.pathname === path || (path !== "/" && location.pathname.startsWith(path))) && (!best || path.length > new URL(best.href).pathname.length)) {
        best = link;
      }
    });
    links.forEach((link) => (link === best ? link.setAttribute("aria-current", "page") : link.removeAttribute("aria-current")));
  }

  document.addEventListener("htmx:afterSettle", (event) => {
    if (event.detail && event.detail.boosted && event.target && event.target.id === "main") {
      afterNavigation(false);
    }
  });
  document.addEventListener("htmx:historyRestore", () => afterNavigation(true));

})();

// The player.
(function () {
  "use strict";

  const bar = document.getElementById("player");
  if (!bar) {
    return; // signed out: there is nothing to play
  }

  const API = "/api/v1/me/player/";
  const POLL_VISIBLE_MS = 1000;
  const POLL_HIDDEN_MS = 10000;
  const REPORT_EVERY_MS = 5000;
  const PLAY_REPORT_EVERY_MS = 15000;
  const DRIFT_MS = 2500;
  const TARGET_LUFS = -14;
  const PREFETCH_BYTES = 256 * 1024;

  const audio = bar.querySelector("audio");
  const ui = {
    art: bar.querySelector("[data-player=art]"),
    title: bar.querySelector("[data-player=title]"),
    artist: bar.querySelector("[data-player=artist]"),
    play: bar.querySelector("[data-player=play]"),
    prev: bar.querySelector("[data-player=previous]"),
    next: bar.querySelector("[data-player=next]"),
    shuffle: bar.querySelector("[data-player=shuffle]"),
    repeat: bar.querySelector("[data-player=repeat]"),
    seek: bar.querySelector("[data-player=seek]"),
    elapsed: bar.querySelector("[data-player=elapsed]"),
    total: bar.querySelector("[data-player=total]"),
    mute: bar.querySelector("[data-player=mute]"),
    volume: bar.querySelector("[data-player=volume]"),
    bitrate: bar.querySelector("[data-player=bitrate]"),
    normalise: bar.querySelector("[data-player=normalise]"),
    elsewhere: bar.querySelector("[data-player=elsewhere]"),
    elsewhereName: bar.querySelector("[data-player=elsewhere-name]"),
    playHere: bar.querySelector("[data-player=play-here]"),
    devicesButton: bar.querySelector("[data-player=devices]"),
    devicesPanel: document.getElementById("player-devices"),
    queueButton: bar.querySelector("[data-player=queue]"),
    queuePanel: document.getElementById("player-queue"),
    status: bar.querySelector("[data-player=status]"),
  };

  // This browser as one of the listener's devices.

  function deviceId() {
    let id = localStorage.getItem("sc.deviceId");
    if (!id || !/^[A-Za-z0-9_-]{8,64}$/.test(id)) {
      const bytes = crypto.getRandomValues(new Uint8Array(16));
      id = "web-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
      localStorage.setItem("sc.deviceId", id);
    }
    return id;
  }

  function deviceDescription() {
    const ua = navigator.userAgent;
    const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrom(e|ium)\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : "Browser";
    const os = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Mac OS X/.test(ua) ? "Mac" : /Windows/.test(ua) ? "Windows" : /Linux/.test(ua) ? "Linux" : "the web";
    const type = /iPad|Tablet/.test(ua) ? "tablet" : /Mobi|Android|iPhone/.test(ua) ? "smartphone" : "computer";
    return { name: localStorage.getItem("sc.deviceName") || browser + " on " + os, type: type };
  }

  const DEVICE = deviceId();

  // The API, with the session cookie and the CSRF token.

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) {
      return decodeURIComponent(match[1]);
    }
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  async function call(method, path, body, options) {
    const response = await fetch(path.startsWith("/") ? path : API + path, {
      method: method,
      credentials: "same-origin",
      keepalive: Boolean(options && options.keepalive),
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    if (response.status !== 204 && response.status !== 304) {
      data = await response.json().catch(() => null);
    }
    return { status: response.status, ok: response.ok, data: data };
  }

  // Commands are sent one after another, so that the server sees them in the order they were made.
  let chain = Promise.resolve();
  let pending = 0;
  function command(method, path, body) {
    pending += 1;
    const run = chain.then(async () => {
      const answer = await call(method, path, body).finally(() => {
        pending -= 1;
      });
      if (answer.ok && answer.data && answer.data.version) {
        apply(answer.data);
      } else if (!answer.ok) {
        const error = answer.data && answer.data.error;
        say(error ? error.message : "That did not work.");
        poll(true);
      }
      return answer;
    });
    chain = run.catch(() => undefined);
    return run;
  }

  // What we know: the server's state as last applied, and what this device has loaded.

  let server = null; // the last state applied (its version orders them)
  let receivedAt = 0; // performance.now() when it arrived
  let loaded = null; // {item, grant, hls}
  let loading = null; // the track id being loaded
  let playsHere = false; // this device is the active one
  let userVolume = clampVolume(parseFloat(localStorage.getItem("sc.volume") || "0.8"));
  let sentVolume = null;
  let normalise = localStorage.getItem("sc.normalise") !== "off";
  let expectPause = false;
  const grants = new Map();
  const rowItems = new Map(); // what the rows on pages said about their tracks

  function clampVolume(value) {
    return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0.8;
  }

  function here(state) {
    return Boolean(state && state.device && state.device.id === DEVICE);
  }

  function serverProgress() {
    if (!server || !server.item) {
      return 0;
    }
    let position = server.progress_ms;
    if (server.is_playing) {
      position += performance.now() - receivedAt;
    }
    return Math.min(position, server.item.duration_ms || position);
  }

  function localProgress() {
    return Math.round((audio.currentTime || 0) * 1000);
  }

  // Applying a state: whatever device made the change, this is where this device follows it.

  function apply(state, force) {
    if (!state || (server && state.version < server.version && !force)) {
      return; // an older answer overtaken by a newer one
    }
    const previous = server;
    server = state;
    receivedAt = performance.now();
    playsHere = here(state);
    if (playsHere && state.item) {
      const wanted = state.item.id;
      if (!loaded || loaded.item.id !== wanted) {
        if (loading !== wanted) {
          load(state.item, state.progress_ms, state.is_playing);
        }
      } else {
        if (Math.abs(localProgress() - state.progress_ms) > DRIFT_MS) {
          audio.currentTime = state.progress_ms / 1000;
        }
        if (state.is_playing && audio.paused) {
          start();
        } else if (!state.is_playing && !audio.paused) {
          stop();
        }
      }
      if (state.volume_percent !== sentVolume && previous && previous.volume_percent !== state.volume_percent) {
        setVolume(state.volume_percent / 100, false);
      }
      prefetch(state.next_item);
    } else if (!audio.paused) {
      stop(); // playback moved to another device, or stopped
      reportPlay(true);
    }
    render();
  }

  // Loading and playing a track on this device.

  async function grantFor(trackId) {
    const known = grants.get(trackId);
    if (known && Date.parse(known.expires_at) - Date.now() > 60000) {
      return known;
    }
    const answer = await call("GET", "/api/v1/tracks/" + trackId + "/stream/");
    if (!answer.ok) {
      const error = answer.data && answer.data.error;
      throw new Error(error ? error.message : "This track cannot be played.");
    }
    grants.set(trackId, answer.data);
    return answer.data;
  }

  let hlsLibrary = null;
  function hlsJs() {
    if (!hlsLibrary) {
      hlsLibrary = new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = bar.dataset.hlsSrc;
        script.onload = () => resolve(window.Hls);
        script.onerror = () => reject(new Error("hls.js did not load"));
        document.head.appendChild(script);
      });
    }
    return hlsLibrary;
  }

  async function attach(grant) {
    if (loaded && loaded.hls) {
      loaded.hls.destroy();
    }
    if (audio.canPlayType('audio/mp4; codecs="mp4a.40.2"')) {
      audio.src = grant.url;
      return null;
    }
    if (audio.canPlayType("application/vnd.apple.mpegurl")) {
      audio.src = grant.hls_url;
      return null;
    }
    const Hls = await hlsJs();
    if (!Hls || !Hls.isSupported()) {
      throw new Error("This browser cannot play these streams.");
    }
    const hls = new Hls({ maxBufferLength: 30 });
    hls.loadSource(grant.hls_url);
    hls.attachMedia(audio);
    return hls;
  }

  async function load(item, positionMs, play) {
    loading = item.id;
    reportPlay(true);
    showItem(item);
    let grant;
    try {
      grant = await grantFor(item.id);
    } catch (error) {
      loading = null;
      say(error.message + " Skipping it.");
      if (playsHere) {
        command("POST", "next/");
      }
      return;
    }
    if (loading !== item.id) {
      return; // another track was asked for meanwhile
    }
    const hls = await attach(grant);
    loaded = { item: item, grant: grant, hls: hls, playToken: grant.play_token };
    loading = null;
    heard = 0;
    applyVolume();
    if (positionMs > 0) {
      const seekTo = () => {
        audio.currentTime = positionMs / 1000;
      };
      if (audio.readyState >= 1) {
        seekTo();
      } else {
        audio.addEventListener("loadedmetadata", seekTo, { once: true });
      }
    }
    ui.bitrate.textContent = grant.bitrate + " kbit/s";
    ui.bitrate.title = "Streaming AAC at " + grant.bitrate + " kbit/s from the " + grant.edge + " edge";
    if (play) {
      start();
    }
    mediaSession(item);
    render();
  }

  function start() {
    const attempt = audio.play();
    if (attempt) {
      attempt.catch((error) => {
        if (error.name === "NotAllowedError") {
          // The browser wants a click first: show it paused rather than pretend.
          if (playsHere && server && server.is_playing) {
            report(false);
          }
        }
      });
    }
  }

  function stop() {
    expectPause = true;
    audio.pause();
  }

  function prefetch(item) {
    if (!item || (loaded && loaded.item.id === item.id)) {
      return;
    }
    grantFor(item.id)
      .then((grant) => {
        if (grant.prefetched) {
          return;
        }
        grant.prefetched = true;
        // Warm the edge and the HTTP cache with the first bytes of what plays next.
        return fetch(grant.url, { headers: { Range: "bytes=0-" + (PREFETCH_BYTES - 1) }, mode: "cors", credentials: "omit" });
      })
      .catch(() => undefined);
  }

  // Volume, mute and loudness normalisation.

  function gainFor(grant) {
    if (!normalise || !grant || typeof grant.loudness_lufs !== "number") {
      return 1;
    }
    // Toward the target, but never up: turning a quiet track up could clip it.
    const gainDb = Math.min(0, TARGET_LUFS - grant.loudness_lufs);
    return Math.pow(10, gainDb / 20);
  }

  function applyVolume() {
    audio.volume = clampVolume(userVolume * gainFor(loaded && loaded.grant));
    audio.muted = localStorage.getItem("sc.muted") === "1";
    ui.volume.value = String(Math.round(userVolume * 100));
    ui.mute.setAttribute("aria-pressed", String(audio.muted));
    ui.mute.setAttribute("aria-label", audio.muted ? "Unmute" : "Mute");
    ui.normalise.setAttribute("aria-pressed", String(normalise));
  }

  let volumeTimer = 0;
  function setVolume(value, tell) {
    userVolume = clampVolume(value);
    localStorage.setItem("sc.volume", String(userVolume));
    applyVolume();
    if (tell && server) {
      window.clearTimeout(volumeTimer);
      volumeTimer = window.setTimeout(() => {
        sentVolume = Math.round(userVolume * 100);
        command("PUT", "volume/", { volume_percent: sentVolume });
      }, 400);
    }
  }

  // Reports: the state while this device plays, and the plays for history and counts.

  async function report(isPlaying, options) {
    if (!playsHere || !server) {
      return;
    }
    const body = {
      device_id: DEVICE,
      position_ms: localProgress(),
      is_playing: isPlaying === undefined ? !audio.paused : isPlaying,
      version: server.version,
    };
    if (options && options.keepalive) {
      call("PUT", "state/", body, options);
      return;
    }
    const answer = await call("PUT", "state/", body);
    if (answer.ok) {
      apply(answer.data);
    } else if (answer.status === 409) {
      poll(true); // someone changed the state, or took playback: follow them
    }
  }

  let heard = 0;
  let lastTime = 0;
  let lastPlayReport = 0;

  // One stream grant is one play: every report of a play sends back the receipt (play_token) of its
  // grant, never longer than the track. Once the play is over, listening again asks for a new grant.
  function reportPlay(final) {
    if (!loaded || heard < 1000) {
      return;
    }
    if (!loaded.playToken) {
      renewReceipt(loaded);
      return;
    }
    const body = {
      track: loaded.item.id,
      play_token: loaded.playToken,
      ms_played: Math.min(Math.round(heard), loaded.grant.duration_ms || Infinity),
      ended: Boolean(final && audio.ended),
    };
    lastPlayReport = performance.now();
    call("POST", "plays/", body, { keepalive: final });
    if (final) {
      heard = 0;
      loaded.playToken = null;
      const cached = grants.get(loaded.item.id);
      if (cached && cached.play_token === body.play_token) {
        grants.delete(loaded.item.id); // its receipt is spent
      }
    }
  }

  function renewReceipt(current) {
    if (current.playToken || current.renewing) {
      return;
    }
    current.renewing = true;
    grantFor(current.item.id)
      .then((grant) => {
        current.playToken = grant.play_token;
      })
      .catch(() => undefined)
      .finally(() => {
        current.renewing = false;
      });
  }

  audio.addEventListener("timeupdate", () => {
    const now = audio.currentTime;
    const delta = now - lastTime;
    if (!audio.paused && delta > 0 && delta < 1.5) {
      heard += delta * 1000;
    }
    lastTime = now;
    if (performance.now() - lastPlayReport > PLAY_REPORT_EVERY_MS) {
      reportPlay(false);
    }
    renderProgress();
    positionState();
  });

  audio.addEventListener("play", () => {
    if (loaded) {
      renewReceipt(loaded); // played again after its play was over (repeat, or back on this device)
    }
    render();
  });

  audio.addEventListener("pause", () => {
    if (!expectPause && playsHere && !audio.ended) {
      report(false); // paused by the system (headphones out, another app)
    }
    expectPause = false;
    render();
  });

  audio.addEventListener("ended", () => {
    reportPlay(true);
    if (server && server.repeat_state === "track") {
      audio.currentTime = 0;
      start();
      report(true);
    } else {
      command("POST", "next/");
    }
  });

  audio.addEventListener("error", () => {
    if (!loaded) {
      return;
    }
    // An expired URL or a failed edge: fetch a new grant once and carry on from here.
    const item = loaded.item;
    const position = localProgress();
    if (!loaded.retried) {
      grants.delete(item.id);
      loaded.retried = true;
      load(item, position, true).then(() => {
        if (loaded) {
          loaded.retried = true;
        }
      });
    } else {
      say("Cannot play " + item.title + ".");
    }
  });

  window.setInterval(() => {
    if (playsHere && !audio.paused) {
      report(true);
    }
  }, REPORT_EVERY_MS);

  window.addEventListener("pagehide", () => {
    reportPlay(true);
    if (playsHere && !audio.paused) {
      report(false, { keepalive: true });
    }
  });

  // Asking for changes: a 304 costs the server one cache read.

  let pollTimer = 0;
  let polling = false;
  async function poll(now) {
    window.clearTimeout(pollTimer);
    if (polling && !now) {
      return schedule();
    }
    polling = true;
    try {
      const version = server ? "&version=" + server.version : "";
      const answer = await call("GET", "?device_id=" + DEVICE + version);
      if (answer.status === 200 && !pending) {
        apply(answer.data); // while a command is on its way, its own answer is the newer truth
      } else if (answer.status === 401 || answer.status === 403) {
        signedOut = true; // signed out in another tab: stop asking
        stop();
      }
    } catch (error) {
      // offline for a moment: try again later
    } finally {
      polling = false;
      schedule();
    }
  }

  let signedOut = false;
  function schedule() {
    window.clearTimeout(pollTimer);
    if (signedOut) {
      return;
    }
    const visible = document.visibilityState === "visible" || !audio.paused;
    pollTimer = window.setTimeout(poll, visible ? POLL_VISIBLE_MS : POLL_HIDDEN_MS);
  }

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      poll(true);
    }
  });

  // What the listener does.

  function togglePlay() {
    if (!server || !server.item) {
      const first = document.querySelector("[data-tracklist] li[data-track-id]:not([aria-disabled=true]) [data-action=play]");
      if (first) {
        first.click();
      }
      return;
    }
    if (playsHere) {
      if (audio.paused) {
        start();
        command("PUT", "play/", { position_ms: localProgress() });
      } else {
        stop();
        command("PUT", "pause/");
      }
    } else if (server.device) {
      command("PUT", server.is_playing ? "pause/" : "play/", {});
    } else {
      playHere();
    }
  }

  function seek(ms) {
    if (!server || !server.item) {
      return;
    }
    const duration = server.item.duration_ms || 0;
    const target = Math.max(0, Math.min(Math.round(ms), duration ? duration - 250 : ms));
    if (playsHere) {
      audio.currentTime = target / 1000;
    }
    command("PUT", "seek/", { position_ms: target });
  }

  function seekBy(deltaMs) {
    seek((playsHere ? localProgress() : serverProgress()) + deltaMs);
  }

  function playHere() {
    if (!server || !server.item) {
      return;
    }
    // A click here: the browser lets this device start sound from it.
    if (!loaded || loaded.item.id !== server.item.id) {
      showItem(server.item);
    }
    command("PUT", "", { device_ids: [DEVICE], play: true });
  }

  function playRows(list, index) {
    const rows = Array.from(list.querySelectorAll("li[data-track-id]")).filter(
      (row) => row.getAttribute("aria-disabled") !== "true"
    );
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
    playsHere = true;
    load(item, 0, true);
    command("PUT", "play/", {
      device_id: DEVICE,
      tracks: tracks,
      offset: { position: offset },
      context_uri: location.pathname,
    });
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

  function queueAdd(trackId, next) {
    command("POST", "queue/", { track: trackId, position: next ? "next" : "end" }).then((answer) => {
      if (answer.ok) {
        const item = rowItems.get(trackId);
        say((item ? item.title : "Track") + (next ? " plays next." : " added to the queue."));
        refreshQueue();
      }
    });
  }

  // Track rows and play-all buttons, anywhere on any page, now or swapped in later.

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
        const rows = Array.from(list.querySelectorAll("li[data-track-id]")).filter(
          (r) => r.getAttribute("aria-disabled") !== "true"
        );
        if (server && server.item && playsHere && parseInt(row.dataset.trackId, 10) === server.item.id && loaded) {
          togglePlay();
        } else {
          playRows(list, rows.indexOf(row));
        }
      }
      return;
    }
    const playAll = target.closest("[data-action=play-all]");
    if (playAll) {
      const list = tracklistFor(playAll);
      if (list) {
        event.preventDefault();
        if (playsHere && loaded && playsFrom(list)) {
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

  function tracklistFor(button) {
    const selector = button.dataset.target || (button.getAttribute("aria-controls") ? "#" + button.getAttribute("aria-controls") : "");
    const scope = selector ? document.querySelector(selector) : button.closest("[data-tracklist]") || button.parentElement;
    if (!scope) {
      return null;
    }
    return scope.matches("[data-tracklist]") ? scope : scope.querySelector("[data-tracklist]");
  }

  // "Play next" and "Add to queue" on every row: a small menu button, and the context menu.

  const rowMenu = document.createElement("div");
  rowMenu.className = "player-menu";
  rowMenu.setAttribute("role", "menu");
  rowMenu.hidden = true;
  rowMenu.innerHTML =
    '<button type="button" role="menuitem" data-menu="next">Play next</button>' +
    '<button type="button" role="menuitem" data-menu="end">Add to queue</button>';
  document.body.appendChild(rowMenu);
  let rowMenuTrack = null;
  let rowMenuOpener = null;

  function decorateRows(root) {
    root.querySelectorAll("[data-tracklist] li[data-track-id]:not([aria-disabled=true])").forEach((row) => {
      if (row.querySelector("[data-player-row-menu]")) {
        return;
      }
      const button = document.createElement("button");
      button.type = "button";
      button.className = "row-menu";
      button.dataset.playerRowMenu = "";
      button.setAttribute("aria-haspopup", "menu");
      button.setAttribute("aria-label", "More for " + (row.dataset.title || "this track"));
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

  function closeRowMenu() {
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

  rowMenu.addEventListener("click", (event) => {
    const choice = event.target instanceof Element && event.target.closest("[data-menu]");
    if (choice && rowMenuTrack) {
      queueAdd(rowMenuTrack, choice.dataset.menu === "next");
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
    const row = event.target instanceof Element && event.target.closest("[data-tracklist] li[data-track-id]:not([aria-disabled=true])");
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

  // Whether what plays came from this list, started on this page.
  function playsFrom(list) {
    return Boolean(
      server && server.item && server.context && server.context.uri === location.pathname &&
        list.querySelector('li[data-track-id="' + server.item.id + '"]')
    );
  }

  function markPlayingRows() {
    const current = server && server.item ? String(server.item.id) : "";
    document.querySelectorAll("[data-tracklist] li[data-track-id]").forEach((row) => {
      const playing = row.dataset.trackId === current;
      row.classList.toggle("is-current", playing);
      row.classList.toggle("is-playing", playing && Boolean(server && server.is_playing));
    });
    const playingHere = playsHere && Boolean(loaded) && !audio.paused;
    document.querySelectorAll("[data-action=play-all]").forEach((button) => {
      const list = tracklistFor(button);
      button.textContent = playingHere && list && playsFrom(list) ? "Pause" : "Play";
    });
  }

  // The bar.

  function formatTime(ms) {
    if (!Number.isFinite(ms) || ms < 0) {
      return "0:00";
    }
    const seconds = Math.floor(ms / 1000);
    const hours = Math.floor(seconds / 3600);
    const minutes = Math.floor((seconds % 3600) / 60);
    const rest = String(seconds % 60).padStart(2, "0");
    return hours ? hours + ":" + String(minutes).padStart(2, "0") + ":" + rest : minutes + ":" + rest;
  }

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

  function showItem(item) {
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
    ui.total.textContent = formatTime(item.duration_ms);
    ui.seek.max = String(item.duration_ms || 0);
    bar.classList.add("has-item");
  }

  let seeking = false;
  function renderProgress() {
    if (seeking || !server || !server.item) {
      return;
    }
    const position = playsHere && loaded ? localProgress() : serverProgress();
    ui.seek.value = String(position);
    ui.seek.setAttribute("aria-valuetext", formatTime(position) + " of " + formatTime(server.item.duration_ms));
    ui.elapsed.textContent = formatTime(position);
    bar.style.setProperty("--progress", server.item.duration_ms ? position / server.item.duration_ms : 0);
  }

  function render() {
    const state = server;
    if (state && state.item && !(loading && playsHere)) {
      if (!loaded || loaded.item.id !== state.item.id || !playsHere) {
        showItem(state.item);
      } else {
        // Keep what the row told us unless the server knows more.
        showItem(Object.assign({}, loaded.item, state.item));
      }
    }
    const playing = playsHere ? !audio.paused : Boolean(state && state.is_playing);
    ui.play.setAttribute("aria-label", playing ? "Pause" : "Play");
    ui.play.dataset.state = playing ? "playing" : "paused";
    bar.classList.toggle("is-playing", playing);
    if (state) {
      ui.shuffle.setAttribute("aria-pressed", String(state.shuffle_state));
      ui.repeat.dataset.state = state.repeat_state;
      ui.repeat.setAttribute("aria-pressed", String(state.repeat_state !== "off"));
      ui.repeat.setAttribute("aria-label", { off: "Repeat: off", context: "Repeat: all", track: "Repeat: this track" }[state.repeat_state]);
    }
    const elsewhere = state && state.device && !playsHere;
    ui.elsewhere.hidden = !elsewhere;
    bar.classList.toggle("is-remote", Boolean(elsewhere));
    if (elsewhere) {
      ui.elsewhereName.textContent = state.device.name;
      ui.bitrate.textContent = "";
    }
    ui.devicesButton.classList.toggle("is-remote", Boolean(elsewhere));
    renderProgress();
    markPlayingRows();
    if ("mediaSession" in navigator) {
      navigator.mediaSession.playbackState = playing ? "playing" : "paused";
    }
    if (!ui.queuePanel.hidden && (!queueShownVersion || (state && state.version !== queueShownVersion))) {
      refreshQueue();
    }
  }

  function say(text) {
    ui.status.textContent = "";
    window.setTimeout(() => {
      ui.status.textContent = text;
    }, 50);
  }

  ui.play.addEventListener("click", togglePlay);
  ui.next.addEventListener("click", () => command("POST", "next/"));
  ui.prev.addEventListener("click", () => command("POST", "previous/"));
  ui.shuffle.addEventListener("click", () => command("PUT", "shuffle/", { state: !(server && server.shuffle_state) }));
  ui.repeat.addEventListener("click", () => {
    const order = ["off", "context", "track"];
    const now = server ? server.repeat_state : "off";
    command("PUT", "repeat/", { state: order[(order.indexOf(now) + 1) % order.length] });
  });
  ui.seek.addEventListener("input", () => {
    seeking = true;
    ui.elapsed.textContent = formatTime(parseInt(ui.seek.value, 10));
  });
  ui.seek.addEventListener("change", () => {
    seeking = false;
    seek(parseInt(ui.seek.value, 10));
  });
  ui.volume.addEventListener("input", () => setVolume(parseInt(ui.volume.value, 10) / 100, true));
  ui.mute.addEventListener("click", () => {
    localStorage.setItem("sc.muted", audio.muted ? "0" : "1");
    applyVolume();
  });
  ui.normalise.addEventListener("click", () => {
    normalise = !normalise;
    localStorage.setItem("sc.normalise", normalise ? "on" : "off");
    applyVolume();
  });
  ui.playHere.addEventListener("click", playHere);

  // Devices: what plays where, resume here, or send playback elsewhere.

  function togglePanel(button, panel, open) {
    const show = open === undefined ? panel.hidden : open;
    panel.hidden = !show;
    button.setAttribute("aria-expanded", String(show));
    return show;
  }

  ui.devicesButton.addEventListener("click", async () => {
    if (!togglePanel(ui.devicesButton, ui.devicesPanel)) {
      return;
    }
    togglePanel(ui.queueButton, ui.queuePanel, false);
    await refreshDevices();
    const first = ui.devicesPanel.querySelector("button");
    if (first) {
      first.focus();
    }
  });

  async function refreshDevices() {
    const list = ui.devicesPanel.querySelector("[data-player=device-list]");
    const answer = await call("GET", "devices/");
    if (!answer.ok) {
      return;
    }
    list.textContent = "";
    answer.data.devices.forEach((device) => {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "device" + (device.is_active ? " is-active" : "");
      button.dataset.deviceId = device.id;
      const mine = device.id === DEVICE;
      const state = device.is_active ? (server && server.is_playing ? "Playing" : "Paused here") : device.is_online ? "Available" : "Offline";
      button.innerHTML = '<span class="device-name"></span><span class="device-state muted"></span>';
      button.querySelector(".device-name").textContent = device.name + (mine ? " (this browser)" : "");
      button.querySelector(".device-state").textContent = state;
      if (device.is_active) {
        button.setAttribute("aria-current", "true");
      }
      button.addEventListener("click", () => {
        togglePanel(ui.devicesButton, ui.devicesPanel, false);
        if (mine) {
          playHere();
        } else {
          command("PUT", "", { device_ids: [device.id], play: Boolean(server && (server.is_playing || playsHere)) });
        }
      });
      li.appendChild(button);
      list.appendChild(li);
    });
  }

  // The queue panel: what plays now and next; play next, reorder, remove, clear.

  let queueShownVersion = 0;
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

  let queueIds = [];
  async function refreshQueue() {
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
    context.textContent = "";
    data.next_in_context.forEach((item) => context.appendChild(queueRow(item, undefined)));
    ui.queuePanel.querySelector("[data-player=queue-context-section]").hidden = !data.next_in_context.length;
  }

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
      button.setAttribute("aria-label", label + ": " + item.title);
      button.title = label;
      button.textContent = text;
      button.addEventListener("click", handler);
      actions.appendChild(button);
    };
    if (typeof index === "number") {
      add("Move up", "↑", () => moveQueued(index, -1));
      add("Move down", "↓", () => moveQueued(index, 1));
      add("Remove from queue", "×", () => setQueue(queueIds.filter((_, i) => i !== index)));
    } else if (index === undefined) {
      add("Play next", "+", () => queueAdd(item.id, true));
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

  ui.queuePanel.querySelector("[data-player=queue-clear]").addEventListener("click", () => {
    command("DELETE", "queue/").then(() => {
      say("Queue cleared.");
      refreshQueue();
    });
  });

  // Keyboard shortcuts, unless the listener is typing or a control wants the key.

  document.addEventListener("keydown", (event) => {
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
        event.shiftKey ? command("POST", "next/") : seekBy(5000);
        break;
      case "ArrowLeft":
        event.shiftKey ? command("POST", "previous/") : seekBy(-5000);
        break;
      case "ArrowUp":
      case "ArrowDown":
        if (!event.shiftKey) {
          return;
        }
        setVolume(userVolume + (event.key === "ArrowUp" ? 0.05 : -0.05), true);
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
      case "Escape":
        closeRowMenu();
        togglePanel(ui.devicesButton, ui.devicesPanel, false);
        handled = false;
        break;
      default:
        handled = false;
    }
    if (handled) {
      event.preventDefault();
    }
  });

  // Media Session: the OS's media keys, lock screen and notification.

  function mediaSession(item) {
    if (!("mediaSession" in navigator) || typeof MediaMetadata === "undefined") {
      return;
    }
    const artwork = [];
    if (item.artwork) {
      artwork.push({ src: item.artwork, sizes: "64x64", type: "image/jpeg" });
    }
    if (item.artwork_large && item.artwork_large !== item.artwork) {
      artwork.push({ src: item.artwork_large, sizes: "300x300", type: "image/jpeg" });
    }
    navigator.mediaSession.metadata = new MediaMetadata({
      title: item.title,
      artist: item.artist ? item.artist.name : "",
      album: item.album ? item.album.title : "",
      artwork: artwork,
    });
  }

  let lastPositionState = 0;
  function positionState() {
    if (!("mediaSession" in navigator) || !navigator.mediaSession.setPositionState || !audio.duration) {
      return;
    }
    const now = performance.now();
    if (now - lastPositionState < 1000) {
      return;
    }
    lastPositionState = now;
    try {
      navigator.mediaSession.setPositionState({
        duration: audio.duration,
        playbackRate: audio.playbackRate,
        position: Math.min(audio.currentTime, audio.duration),
      });
    } catch (error) {
      // a duration the browser does not accept yet
    }
  }

  if ("mediaSession" in navigator) {
    const actions = {
      play: () => (audio.paused || !playsHere) && togglePlay(),
      pause: () => (!audio.paused || !playsHere) && togglePlay(),
      stop: () => playsHere && !audio.paused && togglePlay(),
      previoustrack: () => command("POST", "previous/"),
      nexttrack: () => command("POST", "next/"),
      seekbackward: (details) => seekBy(-1000 * ((details && details.seekOffset) || 10)),
      seekforward: (details) => seekBy(1000 * ((details && details.seekOffset) || 10)),
      seekto: (details) => seek(1000 * details.seekTime),
    };
    Object.keys(actions).forEach((action) => {
      try {
        navigator.mediaSession.setActionHandler(action, actions[action]);
      } catch (error) {
        // an action this browser does not know
      }
    });
  }

  document.addEventListener("sc:navigated", (event) => {
    decorateRows(document);
    closeRowMenu();
  });
  document.addEventListener("htmx:load", (event) => decorateRows(event.target));

  // Start: say who we are, then follow the state.

  applyVolume();
  decorateRows(document);
  bar.hidden = false;
  document.body.classList.add("has-player");
  const me = deviceDescription();
  call("POST", "devices/", { id: DEVICE, name: me.name, type: me.type })
    .catch(() => undefined)
    .then(() => poll(true));

  // For the browser tests and anyone curious in the console.
  window.scPlayer = {
    device: DEVICE,
    get state() {
      return server;
    },
    get loaded() {
      return loaded ? { id: loaded.item.id, bitrate: loaded.grant.bitrate, gain: gainFor(loaded.grant) } : null;
    },
  };
})();
