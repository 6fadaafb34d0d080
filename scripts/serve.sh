#!/usr/bin/env bash
# Runs the site as production runs it, on this machine, against the local services
# (`make services-up` first): DEBUG off, static files collected (WhiteNoise serves them),
# migrations applied, the search index made (search_bootstrap), then gunicorn with deploy/gunicorn.conf.py,
# a Celery worker (both queues) and Celery beat.
#
# Usage: scripts/serve.sh run     in the foreground; Ctrl-C stops all three
#        scripts/serve.sh start   in the background; returns once the site answers, prints its URL
#        scripts/serve.sh stop    stops what `start` started (the processes in its pid files alone)
#        scripts/serve.sh status
#        scripts/serve.sh collectstatic   that step alone (CI runs it while the services start)
#
# Settings come from scripts/services.env; anything already in the environment wins, so
# GUNICORN_WORKERS=2 scripts/serve.sh start works. There is no TLS on loopback, so unless
# told otherwise the HTTPS redirect, HSTS and secure-only cookies are off and no proxy
# header is trusted; everything else is as DEBUG off makes it.
# State (pid files, logs, beat's schedule) lives in ${SERVE_HOME:-var/serve}.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BIN=${VENV:-$ROOT/.venv}/bin
SERVE_HOME=${SERVE_HOME:-$ROOT/var/serve}
PIDFILE=$SERVE_HOME/serve.pid        # the supervisor: this script, running `run`
CHILDREN=$SERVE_HOME/children.pids   # "name pid" per line: gunicorn, worker, beat
LOG=$SERVE_HOME/serve.log            # everything, in the background mode
START_TIMEOUT=${SERVE_START_TIMEOUT:-180}
STOP_TIMEOUT=${SERVE_STOP_TIMEOUT:-40}

say() { printf 'serve: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

environment() {
  local name value
  # services.env first, without overriding what the caller set.
  while IFS='=' read -r name value; do
    [[ $name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
    [[ -n ${!name+set} ]] || export "$name=$value"
  done <"$ROOT/scripts/services.env"
  export DEBUG=false
  export SECURE_SSL_REDIRECT=${SECURE_SSL_REDIRECT:-false}
  export SECURE_PROXY_SSL_HEADER=${SECURE_PROXY_SSL_HEADER-}
  export SECURE_HSTS_SECONDS=${SECURE_HSTS_SECONDS:-0}
  export SECURE_COOKIES=${SECURE_COOKIES:-false}
  export GUNICORN_BIND=${GUNICORN_BIND:-127.0.0.1:$APP_PORT}
  export CELERY_CONCURRENCY=${CELERY_CONCURRENCY:-2}
  if [[ -z ${SECRET_KEY:-} ]]; then
    # This machine's own key, the one DEBUG-on runs make and keep in var/secrets.env.
    SECRET_KEY=$("$BIN/python" -c '
from pathlib import Path
from spotifyclone.local_secrets import local_secrets_load
print(local_secrets_load(path=Path("var/secrets.env"), names=["SECRET_KEY", "EDGE_SIGNING_KEY"])["SECRET_KEY"])')
    export SECRET_KEY
  fi
  if [[ -z ${SUBSONIC_SECRET_KEY:-} ]]; then
    # Likewise the key that encrypts listeners' Subsonic passwords.
    SUBSONIC_SECRET_KEY=$("$BIN/python" -c '
from pathlib import Path
from spotifyclone.local_secrets import local_secrets_load
print(local_secrets_load(path=Path("var/secrets.env"), names=["SUBSONIC_SECRET_KEY"])["SUBSONIC_SECRET_KEY"])')
    export SUBSONIC_SECRET_KEY
  fi
  URL=http://$GUNICORN_BIND
}

alive() { [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null; }

# The pid in the file, if that process is still this script (not a pid reused since).
supervisor_pid() {
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "scripts/serve.sh run" || return 1
  echo "$pid"
}

# What the collected files are made from: our static folder, the installed packages' (by the
# requirements) and the settings. WhiteNoise compresses every file on each collectstatic, which
# takes minutes here, so it runs again only when one of these changed.
static_fingerprint() {
  {
    find static -type f -printf '%P %s %T@\n' | LC_ALL=C sort
    cat requirements.txt spotifyclone/settings.py
    echo "${STATIC_ROOT:-}"
  } | sha256sum | cut -d' ' -f1
}

collect_static() {
  local root=${STATIC_ROOT:-$ROOT/staticfiles} fingerprint
  fingerprint=$(static_fingerprint)
  if [[ -f $root/staticfiles.json && $(cat "$root/.fingerprint" 2>/dev/null) == "$fingerprint" ]]; then
    say "collectstatic: nothing changed since the last one"
    return 0
  fi
  say "collectstatic (compressing takes a minute or two)"
  "$BIN/python" manage.py collectstatic --noinput --verbosity 0
  echo "$fingerprint" >"$root/.fingerprint"
}

prepare() {
  bash scripts/services.sh status >/dev/null || die "a service is down: run \`make services-up\` first"
  collect_static
  say "messages_compile"
  "$BIN/python" manage.py messages_compile
  say "migrate"
  "$BIN/python" manage.py migrate --noinput --verbosity 1
  say "search_bootstrap"
  "$BIN/python" manage.py search_bootstrap
}

PIDS=()
stop_children() {
  local pid waited=0
  trap - INT TERM EXIT
  ((${#PIDS[@]})) || return 0
  say "stopping gunicorn, worker and beat"
  for pid in "${PIDS[@]}"; do alive "$pid" && kill -TERM "$pid" 2>/dev/null || true; done
  while ((waited < STOP_TIMEOUT * 10)); do
    local any=0
    for pid in "${PIDS[@]}"; do alive "$pid" && any=1; done
    ((any)) || break
    sleep 0.1
    ((waited += 1))
  done
  for pid in "${PIDS[@]}"; do
    if alive "$pid"; then
      say "pid $pid still running after ${STOP_TIMEOUT}s: killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  wait 2>/dev/null || true
  rm -f "$CHILDREN"
  if [[ $(cat "$PIDFILE" 2>/dev/null) == "$$" ]]; then rm -f "$PIDFILE"; fi
}

run() {
  mkdir -p "$SERVE_HOME"
  if pid=$(supervisor_pid) && [[ $pid != "$$" ]]; then die "already running (pid $pid); \`make serve-services-stop\` first"; fi
  echo $$ >"$PIDFILE"
  trap 'stop_children; exit 130' INT
  trap 'stop_children; exit 143' TERM
  trap 'stop_children' EXIT
  environment
  prepare
  : >"$CHILDREN"
  "$BIN/gunicorn" -c deploy/gunicorn.conf.py spotifyclone.wsgi &
  PIDS+=($!)
  echo "gunicorn $!" >>"$CHILDREN"
  "$BIN/celery" -A spotifyclone worker -Q default,transcode --concurrency "$CELERY_CONCURRENCY" --loglevel INFO &
  PIDS+=($!)
  echo "worker $!" >>"$CHILDREN"
  "$BIN/celery" -A spotifyclone beat --loglevel INFO --schedule "$SERVE_HOME/celerybeat-schedule" &
  PIDS+=($!)
  echo "beat $!" >>"$CHILDREN"
  say "serving $URL with DEBUG off (gunicorn ${PIDS[0]}, worker ${PIDS[1]}, beat ${PIDS[2]}); Ctrl-C stops all three"
  # The first of the three to end ends the others: a half-running site is worse than none.
  local status=0
  wait -n "${PIDS[@]}" || status=$?
  say "a process ended (exit $status): stopping the others"
  stop_children
  exit "$status"
}

start() {
  mkdir -p "$SERVE_HOME"
  if pid=$(supervisor_pid); then die "already running (pid $pid); \`make serve-services-stop\` first"; fi
  environment
  say "starting in the background; log: $LOG"
  setsid bash "$ROOT/scripts/serve.sh" run </dev/null >"$LOG" 2>&1 &
  local pid=$! deadline=$((SECONDS + START_TIMEOUT))
  echo "$pid" >"$PIDFILE"
  until curl -sf --noproxy '*' -o /dev/null --max-time 2 "$URL/healthz"; do
    if ! alive "$pid"; then
      tail -n 40 "$LOG" >&2
      die "it stopped before answering (log above, whole in $LOG)"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 40 "$LOG" >&2
      die "no answer from $URL/healthz after ${START_TIMEOUT}s"
    fi
    sleep 0.5
  done
  say "up: $URL (pid file $PIDFILE, log $LOG); stop it with \`make serve-services-stop\`"
  echo "$URL"
}

stop() {
  local pid deadline name child
  if ! pid=$(supervisor_pid); then
    say "not running"
    rm -f "$PIDFILE"
    return 0
  fi
  kill -TERM "$pid"
  deadline=$((SECONDS + STOP_TIMEOUT + 10))
  while alive "$pid" && ((SECONDS < deadline)); do sleep 0.2; done
  if alive "$pid"; then
    say "pid $pid did not stop: killing it and the processes it started"
    while read -r name child; do alive "$child" && kill -KILL "$child" 2>/dev/null || true; done <"$CHILDREN"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PIDFILE" "$CHILDREN"
  say "stopped"
}

status() {
  local pid name child
  if ! pid=$(supervisor_pid); then
    echo "serve: not running"
    return 1
  fi
  environment
  echo "serve: running (pid $pid) at $URL"
  while read -r name child; do
    if alive "$child"; then echo "  $name: pid $child"; else echo "  $name: pid $child, gone"; fi
  done <"$CHILDREN"
}

case ${1:-} in
  run) run ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  collectstatic)
    environment
    collect_static
    ;;
  *)
    echo "usage: $0 run|start|stop|status|collectstatic" >&2
    exit 2
    ;;
esac
