/*
 * Devices: every browser is one of the listener's devices. The panel lists
 * those there now (a closed tab leaves the list a few minutes after it last
 * asked for the state) with what each is doing; choosing one moves playback
 * there, choosing this browser plays here. Each has a Rename button: the name
 * the listener gives replaces the browser's own ("Chrome on Linux", numbered
 * by the server when two share it).
 */
import { errorMessage } from "../http.js";
import { ui } from "./dom.js";
import { togglePanel } from "./bar.js";
import { playHere } from "./controls.js";
import { state } from "./state.js";
import { call, command } from "./sync.js";

// Django's JavaScript catalog (/jsi18n/) when the page has it; the words stay English without it.
const gettext = (text) => (window.gettext ? window.gettext(text) : text);
const interpolate = (format, values) => (window.interpolate ? window.interpolate(format, values, true) : format.replace(/%\((\w+)\)s/g, (match, key) => values[key]));

function deviceDescription() {
  const ua = navigator.userAgent;
  const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrom(e|ium)\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : "Browser";
  const os = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Mac OS X/.test(ua) ? "Mac" : /Windows/.test(ua) ? "Windows" : /Linux/.test(ua) ? "Linux" : "the web";
  const type = /iPad|Tablet/.test(ua) ? "tablet" : /Mobi|Android|iPhone/.test(ua) ? "smartphone" : "computer";
  return { name: interpolate(gettext("%(browser)s on %(os)s"), { browser: browser, os: os === "the web" ? gettext("the web") : os }), type: type };
}

async function refreshDevices(focusRename) {
  const list = ui.devicesPanel.querySelector("[data-player=device-list]");
  const answer = await call("GET", "devices/");
  if (!answer.ok) {
    return;
  }
  list.textContent = "";
  answer.data.devices.forEach((device) => {
    const li = document.createElement("li");
    li.className = "device-row";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "device" + (device.is_active ? " is-active" : "");
    button.dataset.deviceId = device.id;
    const mine = device.id === state.device;
    const server = state.server;
    const doing = device.is_active ? (server && server.is_playing ? gettext("Playing") : gettext("Paused here")) : gettext("Available");
    button.innerHTML = '<span class="device-name"></span><span class="device-state muted"></span>';
    button.querySelector(".device-name").textContent = mine ? interpolate(gettext("%(name)s (this browser)"), { name: device.name }) : device.name;
    button.querySelector(".device-state").textContent = doing;
    if (device.is_active) {
      button.setAttribute("aria-current", "true");
    }
    button.addEventListener("click", () => {
      togglePanel(ui.devicesButton, ui.devicesPanel, false);
      if (mine) {
        playHere();
      } else {
        command("PUT", "", { device_ids: [device.id], play: Boolean(state.server && (state.server.is_playing || state.playsHere)) });
      }
    });
    const rename = document.createElement("button");
    rename.type = "button";
    rename.className = "button ghost small device-rename";
    rename.dataset.renames = device.id;
    rename.textContent = gettext("Rename");
    rename.setAttribute("aria-label", interpolate(gettext("Rename %(name)s"), { name: device.name }));
    rename.addEventListener("click", () => renameForm(li, device));
    li.append(button, rename);
    list.appendChild(li);
  });
  if (focusRename) {
    const again = list.querySelector('[data-renames="' + CSS.escape(focusRename) + '"]');
    if (again) {
      again.focus();
    }
  }
}

// The row becomes a small form: the name, Save and Cancel; Escape cancels, and the focus comes back to the row.
function renameForm(li, device) {
  const form = document.createElement("form");
  form.className = "device-rename-form";
  const id = "device-name-" + device.id;
  form.innerHTML = '<label class="visually-hidden"></label><input type="text" maxlength="100" required autocomplete="off"><button type="submit" class="button small"></button><button type="button" class="button ghost small"></button><p class="device-rename-error" role="alert"></p>';
  const label = form.querySelector("label");
  const input = form.querySelector("input");
  const [save, cancel] = form.querySelectorAll("button");
  label.htmlFor = id;
  label.textContent = gettext("Name of this device");
  input.id = id;
  input.value = device.name;
  save.textContent = gettext("Save");
  cancel.textContent = gettext("Cancel");
  const back = () => refreshDevices(device.id);
  cancel.addEventListener("click", back);
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation(); // the panel stays open
      back();
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = await call("PATCH", "devices/" + encodeURIComponent(device.id) + "/", { name: input.value });
    if (answer.ok) {
      back();
    } else {
      form.querySelector(".device-rename-error").textContent = errorMessage(answer.data, answer.status, gettext("That did not work."));
      input.focus();
    }
  });
  li.textContent = "";
  li.appendChild(form);
  input.focus();
  input.select();
}

// Say who we are: this browser joins the listener's devices (or renames itself).
export function deviceRegister() {
  const me = deviceDescription();
  return call("POST", "devices/", { id: state.device, name: me.name, type: me.type });
}

export function devicesStart() {
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
}
