/*
 * Radio: a button [data-action=radio] (album, artist and playlist pages) or
 * a track row's menu starts the radio of what it names on this device. The
 * server answers the new state, whose first track this device then loads
 * (audio.js follows it); when the radio, or any other music, runs out, the
 * server goes on with tracks like it (autoplay), so every device sees it.
 */
import { say } from "./dom.js";
import { state } from "./state.js";
import { command } from "./sync.js";

export function radioStart(seedType, seedId, name) {
  state.playsHere = true;
  return command("POST", "radio/", { seed_type: seedType, seed_id: seedId, device_id: state.device }).then((answer) => {
    if (answer.ok) {
      say(name ? interpolate(gettext("Playing %(name)s radio."), { name: name }, true) : gettext("Playing the radio."));
    }
    return answer;
  });
}

// Where the music comes from, as the queue panel names it; pastEnd: what follows the context once it is over.
export function contextLabel(server, pastEnd) {
  const uri = (server && server.context && server.context.uri) || "";
  if (uri.startsWith("spotifyclone:radio:")) {
    return gettext("Next on the radio");
  }
  if (pastEnd || uri === "spotifyclone:autoplay") {
    return gettext("Autoplay: more like what you played");
  }
  return gettext("Next up");
}

export function radioButtonsStart() {
  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("[data-action=radio]") : null;
    if (button) {
      event.preventDefault();
      radioStart(button.dataset.seedType, parseInt(button.dataset.seedId, 10), button.dataset.seedName || "");
    }
  });
}
