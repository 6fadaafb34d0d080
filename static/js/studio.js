/*
 * The studio, made nicer where JavaScript runs: every page works without it.
 *
 * - Upload page: each chosen or dropped file is sent on its own to the API
 *   (POST /api/v1/uploads/) with a progress bar, then followed until the
 *   track is ready or has failed: the audio is checked after the upload,
 *   so a file that is not usable audio shows as failed, with the reason.
 * - Album page: the running order changes by drag and drop or with the up
 *   and down buttons, and is saved at once (PUT /api/v1/albums/<id>/tracks/order/).
 * - Forms with data-confirm ask before they are sent.
 */
import { formatSize } from "./format.js";
import { csrfToken, errorMessage, request } from "./http.js";

var POLL_MS = 1500;
var PARALLEL_UPLOADS = 2;

document.documentElement.classList.add("js");

function say(region, text) {
  if (!region) {
    return;
  }
  // Empty first, so that the same words said twice are announced twice.
  region.textContent = "";
  window.setTimeout(function () {
    region.textContent = text;
  }, 60);
}

function element(tag, className, text) {
  var node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

/* What the API says went wrong, for a person (http.js), the file's own complaint first. */
function apiErrorMessage(body, status) {
  var details = (body && body.error && body.error.details) || {};
  if (details.file && details.file.length) {
    return String(details.file[0]);
  }
  return errorMessage(body, status, gettext("The upload was refused."));
}

function withId(url, id) {
  // The page gives URLs made for id 0: /api/v1/uploads/0/ -> /api/v1/uploads/42/
  return url.replace(/\/0\/$/, "/" + id + "/");
}

function badge(status, label) {
  return element("span", "badge badge-" + status, label);
}

var STATUS_LABELS = { processing: gettext("Processing"), ready: gettext("Ready"), failed: gettext("Failed") };

/* ---- Upload page ---- */

function initUploads(form) {
  var input = form.querySelector("input[type=file]");
  var zone = form.querySelector(".dropzone");
  var session = document.getElementById("upload-session");
  var list = document.getElementById("upload-results");
  var announcer = document.getElementById("upload-announce");
  var uploadUrl = form.dataset.uploadUrl;
  var statusUrl = form.dataset.statusUrl;
  var trackUrl = form.dataset.trackUrl;
  var artist = form.dataset.artist;
  var maxBytes = parseInt(form.dataset.maxBytes, 10) || 0;
  var waiting = [];
  var running = 0;

  function addFiles(files) {
    if (!files || !files.length) {
      return;
    }
    session.hidden = false;
    // An .lrc beside an audio file of the same name goes with it: the track's lyrics.
    var lyrics = {};
    function stem(name) {
      return name.replace(/\.[^.]*$/, "").toLowerCase();
    }
    files = Array.prototype.filter.call(files, function (file) {
      if (/\.lrc$/i.test(file.name)) {
        lyrics[stem(file.name)] = file;
        return false;
      }
      return true;
    });
    if (!files.length) {
      return;
    }
    files.forEach(function (file) {
      var row = makeRow(file);
      list.appendChild(row.node);
      if (maxBytes && file.size > maxBytes) {
        refuse(row, interpolate(gettext("The file is larger than %(size)s MB."), { size: Math.floor(maxBytes / (1024 * 1024)) }, true));
        return;
      }
      waiting.push({ file: file, row: row, lyrics: lyrics[stem(file.name)] || null });
    });
    say(announcer, interpolate(ngettext("Uploading %(count)s file.", "Uploading %(count)s files.", files.length), { count: files.length }, true));
    next();
  }

  function makeRow(file) {
    var node = element("li", "upload-row");
    node.dataset.state = "waiting";
    var head = element("div", "upload-head");
    var name = element("span", "upload-name", file.name);
    head.appendChild(name);
    head.appendChild(element("span", "muted upload-size", formatSize(file.size)));
    var progress = element("progress");
    progress.max = 100;
    progress.value = 0;
    progress.setAttribute("aria-label", interpolate(gettext("Upload of %(name)s"), { name: file.name }, true));
    var state = element("p", "upload-state", gettext("Waiting…"));
    node.appendChild(head);
    node.appendChild(progress);
    node.appendChild(state);
    return { node: node, name: name, progress: progress, state: state, file: file };
  }

  function setState(row, state, content) {
    row.node.dataset.state = state;
    row.state.textContent = "";
    content.forEach(function (part) {
      row.state.appendChild(typeof part === "string" ? document.createTextNode(part) : part);
    });
  }

  function refuse(row, message) {
    row.progress.hidden = true;
    setState(row, "refused", [badge("failed", gettext("Refused")), " " + message]);
    say(announcer, interpolate(gettext("%(name)s was refused: %(reason)s"), { name: row.file.name, reason: message }, true));
  }

  function next() {
    while (running < PARALLEL_UPLOADS && waiting.length) {
      var job = waiting.shift();
      running += 1;
      send(job.file, job.row, job.lyrics);
    }
  }

  function send(file, row, lyrics) {
    var xhr = new XMLHttpRequest();
    var data = new FormData();
    data.append("artist", artist);
    data.append("file", file, file.name);
    if (lyrics) {
      data.append("lyrics", lyrics, lyrics.name);
    }
    xhr.open("POST", uploadUrl);
    xhr.setRequestHeader("X-CSRFToken", csrfToken());
    xhr.setRequestHeader("Accept", "application/json");
    xhr.responseType = "json";
    setState(row, "uploading", [gettext("Uploading…")]);
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        var percent = Math.round((event.loaded / event.total) * 100);
        row.progress.value = percent;
        row.progress.textContent = percent + "%";
        if (percent === 100) {
          setState(row, "checking", [gettext("Storing the file…")]);
        }
      }
    });
    xhr.addEventListener("load", function () {
      running -= 1;
      if (xhr.status === 201 && xhr.response) {
        row.progress.value = 100;
        row.progress.hidden = true;
        show(row, xhr.response);
        if (xhr.response.status === "processing") {
          poll(row, xhr.response.id, 0);
        }
      } else {
        refuse(row, apiErrorMessage(xhr.response, xhr.status));
      }
      next();
    });
    xhr.addEventListener("error", function () {
      running -= 1;
      refuse(row, gettext("The connection failed while uploading; please try again."));
      next();
    });
    xhr.send(data);
  }

  function show(row, track) {
    var link = element("a", "upload-track", interpolate(gettext("Edit “%(title)s”"), { title: track.title }, true));
    link.href = withId(trackUrl, track.id);
    var parts = [badge(track.status, STATUS_LABELS[track.status] || track.status), " ", link];
    if (track.album) {
      parts.push(element("span", "muted", " · " + interpolate(gettext("on “%(title)s”"), { title: track.album.title }, true)));
    }
    if (track.status === "failed") {
      parts.push(element("span", "error upload-reason", " " + (track.failure_reason || gettext("Processing failed."))));
    }
    setState(row, track.status, parts);
    if (track.status === "ready") {
      say(announcer, interpolate(gettext("“%(title)s” is ready."), { title: track.title }, true));
    } else if (track.status === "failed") {
      say(announcer, interpolate(gettext("“%(title)s” failed: %(reason)s"), { title: track.title, reason: track.failure_reason || gettext("processing failed.") }, true));
    } else {
      say(announcer, interpolate(gettext("%(name)s is uploaded; “%(title)s” is being checked and processed."), { name: row.file.name, title: track.title }, true));
    }
  }

  function poll(row, id, failures) {
    window.setTimeout(function () {
      request("GET", withId(statusUrl, id))
        .then(function (answer) {
          if (!answer.ok || !answer.data) {
            throw new Error(String(answer.status));
          }
          return answer.data;
        })
        .then(function (track) {
          if (track.status === "processing") {
            poll(row, id, 0);
          } else {
            show(row, track);
          }
        })
        .catch(function () {
          if (failures < 5) {
            poll(row, id, failures + 1);
          } else {
            row.state.appendChild(element("span", "muted", " Could not check on it: reload the page to see its state."));
          }
        });
    }, POLL_MS);
  }

  input.addEventListener("change", function () {
    addFiles(Array.prototype.slice.call(input.files));
    input.value = "";
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    addFiles(Array.prototype.slice.call(input.files));
    input.value = "";
  });
  ["dragenter", "dragover"].forEach(function (type) {
    zone.addEventListener(type, function (event) {
      if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") !== -1) {
        event.preventDefault();
        event.dataTransfer.dropEffect = "copy";
        zone.classList.add("is-over");
      }
    });
  });
  ["dragleave", "dragend"].forEach(function (type) {
    zone.addEventListener(type, function (event) {
      if (!zone.contains(event.relatedTarget)) {
        zone.classList.remove("is-over");
      }
    });
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    zone.classList.remove("is-over");
    addFiles(Array.prototype.slice.call(event.dataTransfer.files));
  });
}

/* ---- Album page: the running order ---- */

function initTracklist(root) {
  var orderUrl = root.dataset.orderUrl;
  var status = document.getElementById("order-status");
  var dragging = null;
  var beforeDrag = null;
  var saved = snapshot();
  var saving = Promise.resolve();

  function lists() {
    return Array.prototype.slice.call(root.querySelectorAll(".tracklist"));
  }

  function snapshot() {
    var rows = [];
    lists().forEach(function (list) {
      Array.prototype.forEach.call(list.children, function (row) {
        rows.push({ row: row, list: list });
      });
    });
    return rows;
  }

  function restore(rows) {
    rows.forEach(function (item) {
      item.list.appendChild(item.row);
    });
    renumber();
  }

  function order() {
    return snapshot().map(function (item) {
      return { track: parseInt(item.row.dataset.track, 10), disc: parseInt(item.list.dataset.disc, 10) };
    });
  }

  function renumber(numbers) {
    lists().forEach(function (list) {
      Array.prototype.forEach.call(list.children, function (row, index) {
        var number = numbers && numbers[row.dataset.track];
        row.querySelector(".track-number").textContent = number || index + 1;
      });
    });
  }

  function save() {
    var sent = snapshot();
    var wanted = { order: order() };
    renumber();
    say(status, gettext("Saving the order…"));
    saving = saving.then(function () {
      return request("PUT", orderUrl, { json: wanted })
        .then(function (result) {
          if (!result.ok || !result.data) {
            restore(saved);
            say(status, interpolate(gettext("The order was not saved: %(reason)s"), { reason: apiErrorMessage(result.data, result.status) }, true));
            return;
          }
          var numbers = {};
          (result.data.tracks || []).forEach(function (track) {
            numbers[track.id] = track.track_number;
          });
          saved = sent;
          renumber(numbers);
          say(status, gettext("The order is saved."));
        })
        .catch(function () {
          restore(saved);
          say(status, gettext("The order was not saved: the connection failed."));
        });
    });
  }

  function move(row, direction) {
    var list = row.parentNode;
    var all = lists();
    var index = all.indexOf(list);
    if (direction === "up") {
      if (row.previousElementSibling) {
        list.insertBefore(row, row.previousElementSibling);
      } else if (index > 0) {
        all[index - 1].appendChild(row);
      } else {
        say(status, gettext("It is already the first track."));
        return false;
      }
    } else if (row.nextElementSibling) {
      list.insertBefore(row.nextElementSibling, row);
    } else if (index < all.length - 1) {
      all[index + 1].insertBefore(row, all[index + 1].firstElementChild);
    } else {
      say(status, gettext("It is already the last track."));
      return false;
    }
    return true;
  }

  root.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-move]");
    if (!button) {
      return;
    }
    event.preventDefault();
    var row = button.closest(".track-row");
    if (move(row, button.dataset.move)) {
      button.focus();
      row.classList.add("moved");
      window.setTimeout(function () {
        row.classList.remove("moved");
      }, 600);
      save();
    }
  });

  root.addEventListener("dragstart", function (event) {
    var row = event.target.closest && event.target.closest(".track-row");
    if (!row) {
      return;
    }
    dragging = row;
    beforeDrag = snapshot();
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", row.dataset.track);
    window.setTimeout(function () {
      row.classList.add("dragging");
    }, 0);
  });

  root.addEventListener("dragover", function (event) {
    if (!dragging) {
      return;
    }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    var target = event.target.closest(".track-row");
    if (target && target !== dragging) {
      var box = target.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      target.parentNode.insertBefore(dragging, after ? target.nextElementSibling : target);
    } else if (!target) {
      var list = event.target.closest(".tracklist");
      if (list && !list.contains(dragging)) {
        list.appendChild(dragging);
      }
    }
  });

  root.addEventListener("drop", function (event) {
    if (dragging) {
      event.preventDefault();
    }
  });

  root.addEventListener("dragend", function (event) {
    if (!dragging) {
      return;
    }
    var row = dragging;
    dragging = null;
    row.classList.remove("dragging");
    var changed = JSON.stringify(beforeDrag.map(function (item) { return [item.row.dataset.track, item.list.dataset.disc]; })) !==
      JSON.stringify(order().map(function (item) { return [String(item.track), String(item.disc)]; }));
    if (event.dataTransfer.dropEffect === "none") {
      restore(beforeDrag);
    } else if (changed) {
      save();
    }
  });
}

/* ---- Everywhere ---- */

document.addEventListener("submit", function (event) {
  var message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

var uploadForm = document.getElementById("upload-form");
if (uploadForm) {
  initUploads(uploadForm);
}
var tracklist = document.getElementById("tracklist");
if (tracklist) {
  initTracklist(tracklist);
}
