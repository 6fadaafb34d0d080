/*
 * Devices: every browser is one of the listener's devices. The panel lists
 * them with what each is doing; choosing one moves playback there, choosing
 * this browser plays here.
 */
import { ui } from "./dom.js";
import { togglePanel } from "./bar.js";
import { playHere } from "./controls.js";
import { state } from "./state.js";
import { call, command } from "./sync.js";

function deviceDescription() {
  const ua = navigator.userAgent;
  const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrom(e|ium)\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : "Browser";
  const os = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Mac OS X/.test(ua) ? "Mac" : /Windows/.test(ua) ? "Windows" : /Linux/.test(ua) ? "Linux" : "the web";
  const type = /iPad|Tablet/.test(ua) ? "tablet" : /Mobi|Android|iPhone/.test(ua) ? "smartphone" : "computer";
  return { name: localStorage.getItem("sc.deviceName") || browser + " on " + os, type: type };
}

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
    const mine = device.id === state.device;
    const server = state.server;
    const doing = device.is_active ? (server && server.is_playing ? "Playing" : "Paused here") : device.is_online ? "Available" : "Offline";
    button.innerHTML = '<span class="device-name"></span><span class="device-state muted"></span>';
    button.querySelector(".device-name").textContent = device.name + (mine ? " (this browser)" : "");
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
    li.appendChild(button);
    list.appendChild(li);
  });
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
