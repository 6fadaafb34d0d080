// Results as you type: the search form fetches its own results fragment and
// swaps it in, keeping the address in step. Without this script the form is
// an ordinary GET form.
import { request } from "./http.js";

function attach(form) {
  if (form.dataset.liveSearchReady) return;
  form.dataset.liveSearchReady = "1";
  var target = document.querySelector(form.dataset.liveSearch);
  var input = form.querySelector("input[type=search]");
  var timer = null;
  var pending = null;

  function run() {
    var params = new URLSearchParams(new FormData(form));
    var address = form.action + "?" + params.toString();
    params.set("partial", "1");
    if (pending) pending.abort();
    pending = new AbortController();
    fetch(form.action + "?" + params.toString(), { signal: pending.signal, headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        target.innerHTML = html;
        history.replaceState(history.state, "", address);
      })
      .catch(function () { /* a newer keystroke won, or the network failed: the form still submits */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 180);
  });
  // Typed into before this script took the form over (a page still settling): search for it now.
  if (input.value !== input.defaultValue) run();
}

// Opening or playing a result puts it among the listener's recent searches.
document.addEventListener("click", function (event) {
  var target = event.target instanceof Element ? event.target : null;
  if (!target || !target.closest("#search-results") || !target.closest("a, button")) return;
  var hit = target.closest("[data-search-hit]");
  var row = target.closest("[data-search-hits] li[data-track-id]");
  var found = hit ? hit.dataset.searchHit.split(":") : row ? ["track", row.dataset.trackId] : null;
  if (!found || !document.body.dataset.signedIn) return;
  request("POST", "/api/v1/me/recent-searches/", {
    json: { type: found[0], id: parseInt(found[1], 10) },
    keepalive: true, // outlives the page when the click navigates away
  }).catch(function () { /* a lost recent search is no loss to the listener */ });
});

function scan() {
  document.querySelectorAll("form[data-live-search]").forEach(attach);
}

document.addEventListener("DOMContentLoaded", scan);
// Pages swapped in without a reload announce themselves with this event.
document.addEventListener("htmx:afterSettle", scan);
scan();
