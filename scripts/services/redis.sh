#!/usr/bin/env bash
# Private redis-server for development and CI on 127.0.0.1:$REDIS_PORT, without persistence.
# Debian's own redis-server service (port 6379) is neither used nor touched.
# Usage: scripts/services/redis.sh up|down|status
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [[ -z ${REDIS_PORT:-} ]]; then set -a; . "$ROOT/scripts/services.env"; set +a; fi

NAME=redis
SERVICES_HOME=${SERVICES_HOME:-/var/tmp/spotifyclone-services}
SERVICE_USER=spotifyclone
STATE=$SERVICES_HOME/redis
CONF=$STATE/redis.conf
PIDFILE=$STATE/redis.pid
LOG=$STATE/redis.log
# redis rewrites its process title to "redis-server 127.0.0.1:PORT".
PROC_MATCH=:$REDIS_PORT
ADDRESS=127.0.0.1:$REDIS_PORT
START_TIMEOUT=30
STOP_TIMEOUT=30
STOP_SIGNAL=TERM

# --- helpers: kept identical in every scripts/services/*.sh so each script stands alone ---

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

# Stop waiting as soon as the server dies, so a bad config fails in seconds, not at the deadline.
ready_or_dead() { ! running || ready; }

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

install_missing() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null && return 0
  apt_install redis-server
}

write_conf() {
  cat >"$CONF" <<CONF
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
daemonize no
save ""
appendonly no
dir $STATE
logfile ""
CONF
}

start() {
  make_dirs "$STATE"
  write_conf
  spawn "${AS_USER[@]}" redis-server "$CONF"
}

healthy() {
  [[ $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]
}

ready() { healthy; }

after_start() { :; }

main "$@"
