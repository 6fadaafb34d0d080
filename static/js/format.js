/*
 * How long something lasts, the way every page writes it: whole seconds, cut
 * rather than rounded (187,600 ms is 3:07), hours only past the hour. The
 * server's pages use the same rule (catalog/durations.py).
 */
export function formatDuration(ms) {
  if (!Number.isFinite(ms) || ms < 0) {
    return "0:00";
  }
  const seconds = Math.floor(ms / 1000);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = String(seconds % 60).padStart(2, "0");
  return hours ? hours + ":" + String(minutes).padStart(2, "0") + ":" + rest : minutes + ":" + rest;
}

/*
 * How big a file is, the way the server writes it (catalog/uploads.py,
 * size_text): bytes under a kilobyte (an empty file is "0 bytes", not "1 KB"),
 * whole kilobytes cut rather than rounded, megabytes and gigabytes to one
 * decimal without a trailing ".0".
 */
export function formatSize(bytes) {
  const n = Number.isFinite(bytes) && bytes > 0 ? Math.floor(bytes) : 0;
  if (n < 1024) {
    return interpolate(ngettext("%(size)s byte", "%(size)s bytes", n), { size: n }, true);
  }
  if (n >= 1024 ** 3) {
    return interpolate(gettext("%(size)s GB"), { size: oneDecimal(n / 1024 ** 3) }, true);
  }
  if (n >= 1024 ** 2) {
    return interpolate(gettext("%(size)s MB"), { size: oneDecimal(n / 1024 ** 2) }, true);
  }
  return interpolate(gettext("%(size)s KB"), { size: Math.floor(n / 1024) }, true);
}

function oneDecimal(value) {
  return value.toFixed(1).replace(/\.0$/, "");
}
