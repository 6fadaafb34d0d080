# shellcheck shell=bash
# Helpers shared by the scripts in scripts/services/: logging, package installs, the
# service user, PID files, polling with a deadline, stopping, and the up/down/status
# commands. Sourced, never run; the sourcing script sets `set -euo pipefail` first.
#
# Before sourcing, a script sets:
#   NAME           the service's name, the prefix of every log line
#   SERVICES_HOME  root of all service state; SERVICE_USER, the user servers run as
#   STATE          the service's own directory (HOME of the server process)
#   PIDFILE, LOG   the server's PID file and the log its output goes to
#   PROC_MATCH     a string in the server's command line, so a stale PID file never
#                  points us at an unrelated process
#   ADDRESS        where it listens, for messages
#   START_TIMEOUT, STOP_TIMEOUT (seconds), STOP_SIGNAL (TERM, INT...)
# and, for up/down/status, defines:
#   install_missing, start, ready (answers at all), healthy (answers and provisioned),
#   after_start (provisioning, idempotent)

log() { printf '%s: %s\n' "$NAME" "$*" >&2; }
die() { log "$*"; exit 1; }

apt_install() {
  ((EUID == 0)) || die "missing packages $*; run as root to install them"
  log "apt-get install $*"
  # Another apt-get may hold the dpkg lock (other scripts, other people): wait for it rather than fail.
  if ! apt_get install -y --no-install-recommends "$@"; then
    apt_get update && apt_get install -y --no-install-recommends "$@"
  fi
}
apt_get() { DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=600 "$@" >&2; }

ensure_user() {
  ((EUID == 0)) || return 0
  id -u "$SERVICE_USER" >/dev/null 2>&1 && return 0
  # opensearch.sh creates the same user and may win the race; that is fine.
  useradd --system --home-dir "$SERVICES_HOME" --shell /usr/sbin/nologin "$SERVICE_USER" 2>/dev/null ||
    id -u "$SERVICE_USER" >/dev/null
}

# Directories the server writes to belong to the service user.
make_dirs() {
  if ((EUID == 0)); then
    install -d -m 0755 "$SERVICES_HOME"
    install -d -m 0750 -o "$SERVICE_USER" -g "$SERVICE_USER" "$@"
  else
    mkdir -p "$@"
  fi
}

# setpriv execs in place (runuser and su fork), so $! is the server's own PID.
AS_USER=()
((EUID != 0)) || AS_USER=(setpriv --reuid="$SERVICE_USER" --regid="$SERVICE_USER" --init-groups -- env HOME="$STATE")
as_user() { "${AS_USER[@]}" "$@"; }

# Starts a server detached from this shell and the terminal; its PID goes into $PIDFILE.
spawn() {
  setsid "$@" </dev/null >>"$LOG" 2>&1 &
  echo $! >"$PIDFILE"
}

# A zombie still answers kill -0, and PID 1 here may never reap it.
pid_alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

# The cmdline check keeps a stale PID file from pointing us at an unrelated process.
pid_ours() {
  local cmdline
  pid_alive "$1" || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 1
  [[ $cmdline == *"$PROC_MATCH"* ]]
}
pid_gone() { ! pid_ours "$1"; }

read_pid() {
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] && echo "$pid"
}

running() {
  local pid
  pid=$(read_pid) && pid_ours "$pid"
}

# wait_until SECONDS WHAT CMD...: polls CMD until it succeeds or the deadline passes.
wait_until() {
  local timeout=$1 what=$2
  local deadline=$((SECONDS + timeout))
  shift 2
  until "$@"; do
    if ((SECONDS >= deadline)); then
      log "timed out after ${timeout}s waiting for $what"
      return 1
    fi
    sleep 0.2
  done
}

# Alive, not necessarily "ours" yet: until the spawned shell has exec'd the server, its
# command line is still this script's, and does not hold $PROC_MATCH.
spawned_alive() {
  local pid
  pid=$(read_pid) && pid_alive "$pid"
}

# Stop waiting as soon as the server dies, so a bad config fails in seconds, not at the deadline.
ready_or_dead() { ! spawned_alive || ready; }

wait_ready() {
  if wait_until "$1" "$NAME to become ready" ready_or_dead && running; then
    return 0
  fi
  log "failed to start; last lines of $LOG:"
  tail -n 20 "$LOG" >&2 || true
  stop
  return 1
}

# stop: send $STOP_SIGNAL to our PID, wait with a deadline, then KILL.
stop() {
  local pid sig=$STOP_SIGNAL
  if pid=$(read_pid) && pid_ours "$pid"; then
    log "stopping pid $pid (SIG$sig)"
    kill -"$sig" "$pid" 2>/dev/null || true
    if ! wait_until "$STOP_TIMEOUT" "pid $pid to exit" pid_gone "$pid"; then
      log "pid $pid still alive; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      wait_until 10 "pid $pid to die" pid_gone "$pid"
    fi
  fi
  rm -f "$PIDFILE"
}

status() {
  local pid
  if ! running; then
    echo "$NAME: down"
    return 3
  fi
  pid=$(read_pid)
  if healthy; then
    echo "$NAME: up (pid $pid, $ADDRESS)"
  else
    echo "$NAME: unhealthy (pid $pid running, $ADDRESS not answering)"
    return 1
  fi
}

up() {
  if running; then
    # Ours already: it may still be starting, so give it the usual deadline.
    wait_until "$START_TIMEOUT" "running $NAME to become ready" ready ||
      die "pid $(read_pid) is running but not ready; try: $0 down && $0 up"
    if healthy; then
      log "already up (pid $(read_pid), $ADDRESS)"
      return 0
    fi
    log "running but not provisioned; provisioning again"
  else
    install_missing
    ensure_user
    start
    wait_ready "$START_TIMEOUT"
  fi
  after_start
  log "up (pid $(read_pid), $ADDRESS)"
}

down() {
  if running; then stop; else log "not running"; rm -f "$PIDFILE"; fi
}

main() {
  case ${1:-} in
    up | down | status) "$1" ;;
    *)
      echo "usage: $0 up|down|status" >&2
      exit 2
      ;;
  esac
}
