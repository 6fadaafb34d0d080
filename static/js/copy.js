/*
 * Copy buttons: a button with data-copy="<input id>" puts that field's value
 * on the clipboard and says so in the page's status line (#copy-status),
 * politely. The buttons stay hidden where this does not run; the fields are
 * selectable and copied by hand there.
 */

function say(text) {
  var region = document.getElementById("copy-status");
  if (!region) {
    return;
  }
  // Empty first, so that "Copied" said twice is announced twice.
  region.textContent = "";
  window.setTimeout(function () {
    region.textContent = text;
  }, 60);
}

function copyFrom(field) {
  if (navigator.clipboard && window.isSecureContext) {
    return navigator.clipboard.writeText(field.value);
  }
  // Plain http on another machine: the clipboard API is missing, the older command still works.
  field.focus();
  field.select();
  return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy refused"));
}

function show() {
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
  });
}

document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-copy]");
  if (!button) {
    return;
  }
  var field = document.getElementById(button.getAttribute("data-copy"));
  if (!field) {
    return;
  }
  var label = document.querySelector('label[for="' + field.id + '"]');
  var name = label ? label.textContent : gettext("The text");
  copyFrom(field).then(
    function () {
      say(interpolate(gettext("%(name)s copied."), { name: name }, true));
    },
    function () {
      field.select();
      say(interpolate(gettext("%(name)s is selected: copy it with your keyboard."), { name: name }, true));
    },
  );
});

document.addEventListener("DOMContentLoaded", show);
// Pages swapped in without a reload announce themselves with this event.
document.addEventListener("htmx:afterSettle", show);
show();
