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
