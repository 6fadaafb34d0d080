#!/usr/bin/env bash
# Private nginx running the two edges ("eu", "us") of deploy/nginx/edge.conf on
# 127.0.0.1:$EDGE_EU_PORT and 127.0.0.1:$EDGE_US_PORT, for development and CI.
# Debian's own nginx service (/etc/nginx, port 80) is not used.
# Usage: scripts/services/nginx.sh up|down|status
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [[ -z ${EDGE_EU_PORT:-} ]]; then set -a; . "$ROOT/scripts/services.env"; set +a; fi

NAME=nginx
SERVICES_HOME=${SERVICES_HOME:-/var/tmp/spotifyclone-services}
SERVICE_USER=spotifyclone
STATE=$SERVICES_HOME/nginx
export NGINX_HOME=$STATE
CONF=$STATE/nginx.conf
CONF_D=$STATE/conf.d
PIDFILE=$STATE/nginx.pid
LOG=$STATE/logs/nginx.out
ERROR_LOG=$STATE/logs/error.log
PROC_MATCH="-p $STATE/"
ADDRESS="127.0.0.1:$EDGE_EU_PORT (eu), 127.0.0.1:$EDGE_US_PORT (us)"
START_TIMEOUT=30
STOP_TIMEOUT=30
STOP_SIGNAL=TERM
NGINX=/usr/sbin/nginx
NGINX_ARGS=(-p "$STATE/" -c "$CONF" -e "$ERROR_LOG")
MODULE_DIRS=(/usr/lib/nginx/modules /usr/share/nginx/modules)
# njs checks the signed URLs (deploy/nginx/edge.js); the edge cannot start without it.
MODULES=(ngx_http_js_module)
MODULE_PACKAGES=(libnginx-mod-http-js)

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

installed() { [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]; }

install_missing() {
  local pkgs=() pkg before
  [[ -x $NGINX ]] || pkgs+=(nginx)
  command -v envsubst >/dev/null || pkgs+=(gettext-base)
  for pkg in "${MODULE_PACKAGES[@]}"; do
    installed "$pkg" || pkgs+=("$pkg")
  done
  ((${#pkgs[@]})) || return 0
  before=$(system_nginx_pid) || true
  apt_install "${pkgs[@]}"
  [[ -n $before ]] || stop_system_nginx
}

system_nginx_pid() {
  local pid
  pid=$(cat /run/nginx.pid 2>/dev/null) && [[ $pid =~ ^[0-9]+$ ]] && pid_alive "$pid" && echo "$pid"
}
system_nginx_gone() { ! pid_alive "$1"; }

# Installing the package may start Debian's own nginx (port 80). Our install started it,
# so it is ours to stop; an nginx that was running before the install is left alone.
stop_system_nginx() {
  local pid
  pid=$(system_nginx_pid) || return 0
  log "stopping the system nginx that the package install started (pid $pid)"
  if [[ -d /run/systemd/system ]]; then
    systemctl stop nginx
    return 0
  fi
  kill -TERM "$pid"
  wait_until "$STOP_TIMEOUT" "system nginx to exit" system_nginx_gone "$pid" || kill -KILL "$pid"
}

# Template variables: every key of services.env, plus where the private nginx lives.
template_names() {
  sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)=.*/\1/p' "$ROOT/scripts/services.env"
  printf '%s\n' SERVICES_HOME NGINX_HOME
}

# Only the listed ${NAME}s are substituted, so nginx's $variables survive envsubst.
render_templates() {
  local names=() name tpl
  mapfile -t names < <(template_names)
  for name in "${names[@]}"; do
    [[ -n ${!name:-} ]] || die "$name is empty; cannot render deploy/nginx templates"
    export "${name?}"
  done
  rm -f "$CONF_D"/*.conf
  for tpl in "$ROOT"/deploy/nginx/*.conf; do
    # shellcheck disable=SC2016 # envsubst wants the literal list '${A} ${B} ...'
    envsubst "$(printf '${%s} ' "${names[@]}")" <"$tpl" >"$CONF_D/${tpl##*/}"
  done
  # Scripts are not templates: copied as they are, next to the config that imports them.
  rm -f "$CONF_D"/*.js
  cp "$ROOT"/deploy/nginx/*.js "$CONF_D/"
}

module_path() {
  local dir
  for dir in "${MODULE_DIRS[@]}"; do
    [[ -f $dir/$1.so ]] && echo "$dir/$1.so" && return 0
  done
  return 1
}

module_lines() {
  local mod path
  for mod in "${MODULES[@]}"; do
    path=$(module_path "$mod") || die "nginx module $mod not found in ${MODULE_DIRS[*]}"
    echo "load_module $path;"
  done
}

# nginx insists on writing a pid file of its own; the script's $PIDFILE is separate
# because nginx, running as $SERVICE_USER, could not overwrite one written by root.
write_main_conf() {
  local modules
  modules=$(module_lines)
  cat >"$CONF" <<CONF
# Generated by scripts/services/nginx.sh at \`up\`: edit the script or deploy/nginx/*.conf.
$modules
daemon off;
# nginx clears its workers' environment; edge.js reads the signing key from it, so the
# key never sits in a config file (nor in \`nginx -T\`).
env EDGE_SIGNING_KEY;
worker_processes 1;
pid $STATE/run/nginx.pid;
error_log $ERROR_LOG warn;

events {
    worker_connections 512;
}

http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $STATE/logs/access.log;
    sendfile on;
    server_tokens off;

    client_body_temp_path $STATE/tmp/client_body;
    proxy_temp_path $STATE/tmp/proxy;
    fastcgi_temp_path $STATE/tmp/fastcgi;
    uwsgi_temp_path $STATE/tmp/uwsgi;
    scgi_temp_path $STATE/tmp/scgi;

    proxy_cache_path $STATE/cache/eu levels=1:2 keys_zone=edge_eu:10m max_size=1g inactive=7d use_temp_path=off;
    proxy_cache_path $STATE/cache/us levels=1:2 keys_zone=edge_us:10m max_size=1g inactive=7d use_temp_path=off;

    include $CONF_D/edge.conf;
}
CONF
}

start() {
  # moto keeps objects in memory only, so a cache that outlived it would serve ghosts.
  rm -rf "$STATE/cache"
  make_dirs "$STATE" "$STATE/logs" "$STATE/run" "$STATE/tmp" "$STATE/cache" "$CONF_D"
  render_templates
  write_main_conf
  if ! as_user "$NGINX" -t -q "${NGINX_ARGS[@]}" >>"$LOG" 2>&1; then
    tail -n 20 "$LOG" >&2
    die "nginx -t failed for $CONF"
  fi
  spawn "${AS_USER[@]}" "$NGINX" "${NGINX_ARGS[@]}"
}

edge_answers() {
  [[ $(curl -s --noproxy '*' --max-time 2 "http://127.0.0.1:$1/_edge/health") == "$2" ]]
}

healthy() { edge_answers "$EDGE_EU_PORT" eu && edge_answers "$EDGE_US_PORT" us; }
ready() { healthy; }
after_start() { :; }

main "$@"
