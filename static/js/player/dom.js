/*
 * The player bar's elements (templates/streaming/_player.html), found once the
 * page has the bar: `bar` stays null for a visitor who is signed out. Other
 * modules import these bindings and see them filled in by domFind().
 *
 * Two audio elements take turns: `audio` is the one that plays the loaded
 * track, `audioStandby` loads the next one ahead, so that it can start the
 * moment this one ends (audio.js: gapless playback and crossfade). They swap
 * at the join, and every module that imports `audio` sees the new one.
 */
export let bar = null;
export let audio = null;
export let audioStandby = null;
export let ui = null;

export function domFind() {
  bar = document.getElementById("player");
  if (!bar) {
    return false;
  }
  audio = bar.querySelector("audio");
  audioStandby = audio.cloneNode(false); // the same attributes (preload, crossorigin)
  audio.after(audioStandby);
  ui = {
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
    lyricsButton: bar.querySelector("[data-player=lyrics]"),
    lyricsPanel: document.getElementById("player-lyrics"),
    status: bar.querySelector("[data-player=status]"),
    ad: bar.querySelector("[data-player=ad]"),
    adText: bar.querySelector("[data-player=ad-text]"),
    adLink: bar.querySelector("[data-player=ad-link]"),
    adName: bar.querySelector("[data-player=ad-name]"),
    adCountdown: bar.querySelector("[data-player=ad-countdown]"),
  };
  return true;
}

// The standby element becomes the one that plays; it goes first in the bar, where `#player audio` finds it.
export function audioSwap() {
  [audio, audioStandby] = [audioStandby, audio];
  const parent = audio.parentNode;
  if (parent.moveBefore) {
    parent.moveBefore(audio, audioStandby); // a move that keeps both elements as they are, playing or not
  }
}

// Said to screen readers through the bar's status line; emptied first, so the same words said twice are heard twice.
export function say(text) {
  ui.status.textContent = "";
  window.setTimeout(() => {
    ui.status.textContent = text;
  }, 50);
}
