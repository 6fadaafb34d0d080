#!/usr/bin/env bash
# Private PostgreSQL 15 cluster for development and CI, on 127.0.0.1:$POSTGRES_PORT.
# Usage: scripts/services/postgres.sh up|down|status
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [[ -z ${POSTGRES_PORT:-} ]]; then set -a; . "$ROOT/scripts/services.env"; set +a; fi

NAME=postgres
SERVICES_HOME=${SERVICES_HOME:-/var/tmp/spotifyclone-services}
SERVICE_USER=spotifyclone
STATE=$SERVICES_HOME/postgres
DATA=$STATE/data
SOCKET_DIR=$STATE/run
PIDFILE=$STATE/postgres.pid
LOG=$STATE/postgres.log
PROC_MATCH=$DATA
ADDRESS=127.0.0.1:$POSTGRES_PORT
START_TIMEOUT=60
STOP_TIMEOUT=30
# SIGTERM is postgres' "smart" shutdown, which waits for every client (a runserver, a
# celery worker) to disconnect; SIGINT is the "fast" one: roll back and exit cleanly.
STOP_SIGNAL=INT
PGBIN=/usr/lib/postgresql/15/bin

# Shared helpers: logging, PID files, polling with a deadline, stop, up/down/status.
# shellcheck source=_lib.sh source-path=SCRIPTDIR
. "$ROOT/scripts/services/_lib.sh"

install_missing() {
  [[ -x $PGBIN/postgres ]] || apt_install postgresql-15 postgresql-contrib
  local ext
  for ext in pg_trgm unaccent; do
    [[ -f $("$PGBIN/pg_config" --sharedir)/extension/$ext.control ]] || apt_install postgresql-contrib
  done
}

init_cluster() {
  [[ -f $DATA/PG_VERSION ]] && return 0
  # A half-written data dir from an interrupted initdb is ours and useless.
  rm -rf "$DATA"
  log "initdb $DATA"
  # Local (unix socket) trust is safe because $SOCKET_DIR is only accessible to the
  # service user and root; TCP needs a password.
  as_user "$PGBIN/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >>"$LOG" 2>&1
}

start() {
  make_dirs "$STATE" "$SOCKET_DIR"
  init_cluster
  # fsync, synchronous_commit and full_page_writes off: this cluster only holds
  # throwaway dev/CI data, so losing the last transactions on a crash is fine, and
  # tests that create databases and run migrations get much faster.
  spawn "${AS_USER[@]}" "$PGBIN/postgres" -D "$DATA" \
    -c listen_addresses=127.0.0.1 -c port="$POSTGRES_PORT" \
    -c unix_socket_directories="$SOCKET_DIR" \
    -c fsync=off -c synchronous_commit=off -c full_page_writes=off
}

healthy() {
  "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$POSTGRES_PORT" -d postgres -U postgres
}

ready() { healthy; }

psql_admin() {
  "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKET_DIR" -p "$POSTGRES_PORT" -U postgres -d postgres
}

# SUPERUSER: the test runner creates and drops test databases and migrations run
# CREATE EXTENSION pg_trgm/unaccent in them. Both are "trusted" extensions since
# PostgreSQL 13, so CREATEDB would do today, but on a throwaway local cluster a
# superuser spares the tests every permission surprise. Never copy this to production.
provision() {
  psql_admin >/dev/null <<'SQL'
SELECT 'CREATE ROLE spotifyclone' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'spotifyclone')\gexec
ALTER ROLE spotifyclone LOGIN SUPERUSER PASSWORD 'spotifyclone';
SELECT 'CREATE DATABASE spotifyclone OWNER spotifyclone' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'spotifyclone')\gexec
SQL
}

# Through $DATABASE_URL, exactly as the app connects; rolled back so migrations stay in charge.
check_extensions() {
  "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" >/dev/null <<'SQL'
BEGIN;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;
SELECT similarity(unaccent('Beyoncé'), 'beyonce');
ROLLBACK;
SQL
}

after_start() {
  provision
  check_extensions || die "pg_trgm/unaccent cannot be created through $DATABASE_URL"
}

main "$@"
