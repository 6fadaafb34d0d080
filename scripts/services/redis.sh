#!/usr/bin/env bash
# Private redis-server for development and CI on 127.0.0.1:$REDIS_PORT. It is the broker too,
# so it keeps an append-only file: tasks queued in it survive its restart.
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
# The config file's path is in the command line at every stage of the start (setsid,
# setpriv, redis-server) and stays in the title redis gives itself (proc-title-template
# below); its default title, "redis-server 127.0.0.1:PORT", appears only once it has
# started, so a start still in progress looked like a dead server.
PROC_MATCH=$CONF
ADDRESS=127.0.0.1:$REDIS_PORT
START_TIMEOUT=30
STOP_TIMEOUT=30
STOP_SIGNAL=TERM

# Shared helpers: logging, PID files, polling with a deadline, stop, up/down/status.
# shellcheck source=_lib.sh source-path=SCRIPTDIR
. "$ROOT/scripts/services/_lib.sh"

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
appendonly yes
appendfsync everysec
dir $STATE
logfile ""
proc-title-template "{title} {listen-addr} {config-file}"
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
