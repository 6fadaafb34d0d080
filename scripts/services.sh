#!/usr/bin/env bash
# Starts, stops or checks the local service stack for development and CI.
# Usage: scripts/services.sh up|down|status [service...]
#        scripts/services.sh stop|start NAME   (one service alone, to see what its failure does)
# Services: postgres redis s3 opensearch nginx (started in that order, stopped in reverse);
# "edges" names nginx, which runs them.
# Settings come from scripts/services.env; state lives in ${SERVICES_HOME:-/var/tmp/spotifyclone-services}.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ALL=(postgres redis s3 opensearch nginx)

usage() {
  echo "usage: $0 up|down|status [${ALL[*]}]" >&2
  echo "       $0 stop|start NAME" >&2
  exit 2
}

script_of() { echo "$ROOT/scripts/services/$1.sh"; }

# opensearch.sh is written separately and may not exist yet: warn, don't fail.
missing() {
  [[ -f $(script_of "$1") ]] && return 1
  echo "warning: scripts/services/$1.sh does not exist yet; skipping $1" >&2
}

check_names() {
  local name
  for name in "$@"; do
    [[ " ${ALL[*]} " == *" $name "* ]] || { echo "unknown service: $name" >&2; usage; }
  done
}

up_all() {
  local name
  for name in "$@"; do
    missing "$name" || bash "$(script_of "$name")" up
  done
}

# Keeps going after a failure so one stuck service does not leave the others running.
down_all() {
  local i name failed=0
  for ((i = $# ; i > 0; i--)); do
    name=${!i}
    missing "$name" || bash "$(script_of "$name")" down || failed=1
  done
  return "$failed"
}

status_all() {
  local name failed=0
  for name in "$@"; do
    if [[ ! -f $(script_of "$name") ]]; then
      echo "$name: skipped (scripts/services/$name.sh does not exist yet)"
      continue
    fi
    bash "$(script_of "$name")" status || failed=1
  done
  return "$failed"
}

main() {
  (($#)) || usage
  local cmd=$1
  shift
  local services=("${@/#edges/nginx}")
  if [[ $cmd == stop || $cmd == start ]]; then
    ((${#services[@]} == 1)) || usage
  fi
  ((${#services[@]})) || services=("${ALL[@]}")
  check_names "${services[@]}"
  set -a
  . "$ROOT/scripts/services.env"
  set +a
  # A service's script may treat stopping it alone (an outage) apart from taking the stack down.
  export SERVICES_COMMAND=$cmd
  case $cmd in
    up | start) up_all "${services[@]}" ;;
    down | stop) down_all "${services[@]}" ;;
    status) status_all "${services[@]}" ;;
    *) usage ;;
  esac
}

main "$@"
