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
# The edge checks signed URLs with set-misc (HMAC-SHA256, base64url; it needs the
# development kit, loaded first) and sets its headers with headers-more: it cannot
# start without them.
MODULES=(ndk_http_module ngx_http_set_misc_module ngx_http_headers_more_filter_module)
MODULE_PACKAGES=(libnginx-mod-http-ndk libnginx-mod-http-set-misc libnginx-mod-http-headers-more-filter)
KEY_FILE=$STATE/secrets/edge_signing_key.conf
# Whole objects each edge keeps as plain files (deploy/nginx/edge.conf), bounded like its
# cache (max_size=1g inactive=7d below) by deploy/nginx/edge-store-sweep.sh, which a loop
# runs every SWEEP_EVERY seconds for as long as this nginx lives.
STORE=$STATE/store
STORE_MAX_BYTES=$((1024 * 1024 * 1024))
STORE_INACTIVE_MINUTES=$((7 * 24 * 60))
SWEEP_EVERY=60
SWEEPER_PIDFILE=$STATE/run/sweeper.pid
STORE_SWEEP=$ROOT/deploy/nginx/edge-store-sweep.sh

# Shared helpers: logging, PID files, polling with a deadline, stop, up/down/status.
# shellcheck source=_lib.sh source-path=SCRIPTDIR
. "$ROOT/scripts/services/_lib.sh"

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
  rm -f "$CONF_D"/*.conf "$CONF_D"/*.js
  for tpl in "$ROOT"/deploy/nginx/*.conf; do
    # shellcheck disable=SC2016 # envsubst wants the literal list '${A} ${B} ...'
    envsubst "$(printf '${%s} ' "${names[@]}")" <"$tpl" >"$CONF_D/${tpl##*/}"
  done
}

# The signing key goes into a file of its own, readable by nginx's user alone, that
# edge.conf includes: not into the templates, nor into nginx's environment, where only a
# script run on every request could read it. The key is written in double quotes, where
# nginx would read a '$' as a variable and a backslash as an escape.
write_key_file() {
  local key=${EDGE_SIGNING_KEY:-} unfit='[[:space:][:cntrl:]"\$]'
  [[ -n $key ]] || die "EDGE_SIGNING_KEY is empty: the edges cannot check signed URLs"
  if [[ $key =~ $unfit ]]; then
    die "EDGE_SIGNING_KEY has a space, a quote, a backslash or a '\$': nginx cannot take it as it is"
  fi
  make_dirs "$STATE/secrets"
  chmod 0700 "$STATE/secrets"
  (
    umask 077
    cat >"$KEY_FILE" <<KEY
# Written by scripts/services/nginx.sh at \`up\` from EDGE_SIGNING_KEY. Secret: keep it out of
# anything you share (\`nginx -T\` prints it).
map \$server_port \$edge_signing_key {
    default "$key";
}
KEY
  )
  if ((EUID == 0)); then chown "$SERVICE_USER:$SERVICE_USER" "$KEY_FILE"; fi
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
worker_processes 1;
# The signed-URL check runs a few regexes on every request: compiled to machine code.
pcre_jit on;
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
  # An edge the PID file does not know (two `up`s at once, say) would answer the health
  # check for this one, which cannot bind, and keep serving its own, older config.
  if edge_answers "$EDGE_EU_PORT" eu || edge_answers "$EDGE_US_PORT" us; then
    die "an edge not in $PIDFILE already answers on $ADDRESS; stop it first"
  fi
  # moto keeps objects in memory only, so a cache that outlived it would serve ghosts.
  rm -rf "$STATE/cache" "$STORE"
  # The cache server's sockets, left behind by an nginx that did not exit cleanly, would
  # keep this one from binding them (none of ours answers, checked above).
  rm -f "$STATE"/run/cache_*.sock
  make_dirs "$STATE" "$STATE/logs" "$STATE/run" "$STATE/tmp" "$STATE/cache" "$STORE" "$CONF_D"
  render_templates
  write_key_file
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
after_start() { start_sweeper; }

# The sweeper names the nginx it serves on its command line, and ends once that nginx has.
SWEEPER_LOOP='while kill -0 "$1" 2>/dev/null; do
  for region in eu us; do "$2" "$3/$region" "$4" "$5" || true; done
  sleep "$6"
done'

start_sweeper() {
  local nginx_pid pid cmdline
  nginx_pid=$(read_pid) || die "no nginx pid in $PIDFILE"
  if pid=$(cat "$SWEEPER_PIDFILE" 2>/dev/null) && [[ $pid =~ ^[0-9]+$ ]] && pid_alive "$pid"; then
    cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || cmdline=
    [[ $cmdline == *" edge-store-sweep $nginx_pid $STORE_SWEEP "* ]] && return 0
  fi
  setsid "${AS_USER[@]}" bash -c "$SWEEPER_LOOP" edge-store-sweep "$nginx_pid" "$STORE_SWEEP" "$STORE" \
    "$STORE_MAX_BYTES" "$STORE_INACTIVE_MINUTES" "$SWEEP_EVERY" </dev/null >>"$LOG" 2>&1 &
  echo $! >"$SWEEPER_PIDFILE"
}

main "$@"
