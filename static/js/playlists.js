/*
 * Playlists and the library, made nicer where JavaScript runs: every control
 * is a plain form that works without it.
 *
 * - Like buttons and "add to playlist" menus on every track row answer in
 *   place instead of reloading the page.
 * - On a playlist its editors may change, rows move by drag and drop or with
 *   the up and down buttons, saved at once through the API by item ids
 *   (POST /api/v1/playlists/<id>/items/<item>/move/), so that what one editor
 *   does never scrambles another's concurrent move.
 */
import { csrfToken, errorMessage, request } from "./http.js";

document.documentElement.classList.add("js");

var fallbackRegion = null;

function say(text) {
  // The playlist's own status line when the page has one, else a hidden one of our own.
  var region = document.getElementById("order-status");
  if (!region) {
    if (!fallbackRegion || !document.body.contains(fallbackRegion)) {
      fallbackRegion = document.createElement("p");
      fallbackRegion.className = "visually-hidden";
      fallbackRegion.setAttribute("role", "status");
      fallbackRegion.setAttribute("aria-live", "polite");
      document.body.appendChild(fallbackRegion);
    }
    region = fallbackRegion;
  }
  region.textContent = "";
  window.setTimeout(function () {
    region.textContent = text;
  }, 60);
}

function postForm(form, extra) {
  var data = new FormData(form);
  Object.keys(extra || {}).forEach(function (name) {
    data.append(name, extra[name]);
  });
  // getAttribute: a control named "action" would shadow form.action.
  return request("POST", form.getAttribute("action"), { body: data, form: form });
}

/* ---- Like buttons ---- */

function setLiked(button, liked) {
  var title = button.querySelector(".visually-hidden");
  var name = button.dataset.trackTitle || "";
  button.value = liked ? "unlike" : "like";
  button.setAttribute("aria-pressed", liked ? "true" : "false");
  button.title = liked ? gettext("Remove from Liked Songs") : gettext("Save to Liked Songs");
  button.querySelector("[aria-hidden]").textContent = liked ? "♥" : "♡";
  if (title) {
    title.textContent = interpolate(
      liked ? gettext("Remove “%(title)s” from Liked Songs") : gettext("Save “%(title)s” to Liked Songs"),
      { title: name },
      true,
    );
  }
}

function onLike(form, submitter) {
  var button = submitter || form.querySelector("button");
  var action = button.value;
  var liked = action === "like";
  setLiked(button, liked);  // at once; undone below if the server says no
  button.disabled = true;
  postForm(form, { action: action })
    .then(function (result) {
      if (!result.ok) {
        setLiked(button, !liked);
        say(errorMessage(result.data, result.status));
        return;
      }
      // The same track may have other rows on the page: keep them in step.
      var action = form.getAttribute("action");
      document.querySelectorAll("form[data-like]").forEach(function (other) {
        if (other !== form && other.getAttribute("action") === action) {
          setLiked(other.querySelector("button"), liked);
        }
      });
      say(liked ? gettext("Added to Liked Songs.") : gettext("Removed from Liked Songs."));
    })
    .catch(function () {
      setLiked(button, !liked);
      say(gettext("The connection failed; please try again."));
    })
    .then(function () {
      button.disabled = false;
    });
}

/* ---- Add to playlist ---- */

function onAddTrack(form) {
  var button = form.querySelector("button[type=submit]");
  button.disabled = true;
  postForm(form)
    .then(function (result) {
      say(result.ok ? result.data.message || gettext("Added.") : errorMessage(result.data, result.status));
      if (result.ok) {
        var menu = form.closest("details");
        if (menu) {
          menu.open = false;
          menu.querySelector("summary").focus();
        }
      }
    })
    .catch(function () {
      say(gettext("The connection failed; please try again."));
    })
    .then(function () {
      button.disabled = false;
    });
}

// Capturing, so that this runs before a boosted form would be sent by htmx.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    return;
  }
  if (form.hasAttribute("data-like")) {
    event.preventDefault();
    event.stopPropagation();
    onLike(form, event.submitter);
  } else if (form.hasAttribute("data-add-track")) {
    event.preventDefault();
    event.stopPropagation();
    onAddTrack(form);
  }
}, true);

// One open "add to playlist" menu at a time; Escape closes it.
document.addEventListener("toggle", function (event) {
  var opened = event.target;
  if (opened.classList && opened.classList.contains("add-menu") && opened.open) {
    document.querySelectorAll("details.add-menu[open]").forEach(function (other) {
      if (other !== opened) {
        other.open = false;
      }
    });
    var select = opened.querySelector("select");
    if (select) {
      select.focus();
    }
  }
}, true);
document.addEventListener("keydown", function (event) {
  if (event.key === "Escape") {
    var open = document.activeElement && document.activeElement.closest("details.add-menu[open]");
    if (open) {
      open.open = false;
      open.querySelector("summary").focus();
    }
  }
});

/* ---- Reordering a playlist ---- */

function initReorder(root) {
  if (root.dataset.reorderReady) {
    return;
  }
  root.dataset.reorderReady = "1";
  var list = root.querySelector("ol");
  var moveUrl = root.dataset.moveUrl;
  var first = parseInt(list.getAttribute("start"), 10) || 1;
  var dragging = null;
  var before = null;
  var saving = Promise.resolve();

  function rows() {
    return Array.prototype.slice.call(list.children);
  }

  function itemId(row) {
    var edit = row && row.querySelector("[data-item-id]");
    return edit ? parseInt(edit.dataset.itemId, 10) : null;
  }

  function renumber() {
    rows().forEach(function (row, index) {
      var number = row.querySelector(".track-index");
      if (number) {
        number.textContent = first + index;
      }
    });
  }

  function restore(order) {
    order.forEach(function (row) {
      list.appendChild(row);
    });
    renumber();
  }

  function save(row, previousOrder) {
    var id = itemId(row);
    var next = row.nextElementSibling;
    var wanted = { before_item_id: next ? itemId(next) : null };
    renumber();
    say(gettext("Saving the order…"));
    saving = saving.then(function () {
      return request("POST", moveUrl.replace(/\/items\/0\//, "/items/" + id + "/"), { json: wanted })
        .then(function (result) {
          if (!result.ok) {
            restore(previousOrder);
            say(interpolate(gettext("The order was not saved: %(reason)s"), { reason: errorMessage(result.data, result.status) }, true));
            return;
          }
          root.dataset.snapshot = result.data.snapshot_id;
          say(gettext("The order is saved."));
        })
        .catch(function () {
          restore(previousOrder);
          say(gettext("The order was not saved: the connection failed."));
        });
    });
  }

  rows().forEach(function (row) {
    if (itemId(row) !== null) {
      row.setAttribute("draggable", "true");
    }
  });

  list.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-move]");
    if (!button) {
      return;
    }
    event.preventDefault();
    var row = button.closest("li");
    var previousOrder = rows();
    if (button.dataset.move === "up") {
      if (!row.previousElementSibling) {
        say(gettext("It is already the first track on this page."));
        return;
      }
      list.insertBefore(row, row.previousElementSibling);
    } else {
      if (!row.nextElementSibling) {
        say(gettext("It is already the last track on this page."));
        return;
      }
      list.insertBefore(row.nextElementSibling, row);
    }
    button.focus();
    row.classList.add("moved");
    window.setTimeout(function () {
      row.classList.remove("moved");
    }, 600);
    save(row, previousOrder);
  });

  list.addEventListener("dragstart", function (event) {
    var row = event.target.closest && event.target.closest("li[draggable=true]");
    if (!row) {
      return;
    }
    dragging = row;
    before = rows();
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", String(itemId(row)));
    window.setTimeout(function () {
      row.classList.add("dragging");
    }, 0);
  });

  list.addEventListener("dragover", function (event) {
    if (!dragging) {
      return;
    }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    var target = event.target.closest("li");
    if (target && target !== dragging && target.parentNode === list) {
      var box = target.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      list.insertBefore(dragging, after ? target.nextElementSibling : target);
    }
  });

  list.addEventListener("drop", function (event) {
    if (dragging) {
      event.preventDefault();
    }
  });

  list.addEventListener("dragend", function (event) {
    if (!dragging) {
      return;
    }
    var row = dragging;
    dragging = null;
    row.classList.remove("dragging");
    if (event.dataTransfer.dropEffect === "none") {
      restore(before);
    } else if (rows().indexOf(row) !== before.indexOf(row)) {
      save(row, before);
    }
  });
}

function init() {
  var editable = document.querySelector("[data-editable]");
  if (editable) {
    initReorder(editable);
  }
  document.querySelectorAll("input[data-copy]").forEach(function (input) {
    input.onfocus = function () {
      input.select();
    };
  });
}

init();
// Pages reached through htmx navigation swap in new content without a new page load.
document.addEventListener("htmx:afterSettle", init);
