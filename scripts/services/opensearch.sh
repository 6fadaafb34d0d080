#!/usr/bin/env bash
# Single-node OpenSearch for development and CI: plain HTTP on 127.0.0.1, no security plugin.
#
#   scripts/services/opensearch.sh up|down|status
#
# Environment:
#   OPENSEARCH_PORT           HTTP port (59200)
#   OPENSEARCH_TRANSPORT_PORT transport port, bound to 127.0.0.1 only (59300)
#   OPENSEARCH_HEAP           JVM heap, used for -Xms and -Xmx (512m)
#   OPENSEARCH_VERSION        distribution version (2.19.6)
#   OPENSEARCH_JAVA_HOME      JDK to run it with (Java 17 for 2.x, Temurin 25 for 3.x)
#   OPENSEARCH_START_TIMEOUT  seconds `up` waits for green/yellow (120)
#   OPENSEARCH_STOP_TIMEOUT   seconds `down` waits after TERM before KILL (30)
#   SERVICES_HOME             cache/data root, outside the repo (/var/tmp/spotifyclone-services)
#
# Started by root, the node runs as the system user spotifyclone, shared with the other
# service scripts (OpenSearch refuses to run as root).
#
# Why 2.19.6: it is the newest 2.x release on Maven Central and runs on Debian 12's own
# OpenJDK 17, the JDK every machine here has. 3.x needs Java 21+ (Temurin 25 is picked
# for it); OPENSEARCH_VERSION=3.3.2 also works, but 3.9.0's zip is not on Maven Central.
#
# Maven Central only carries the "integ-test-zip" distribution, which holds the server and
# the transport-netty4 module and nothing else. The project needs analysis-common
# (asciifolding, edge_ngram, ...), which extends lang-painless; mapper-extras brings
# search_as_you_type, scaled_float, rank_feature and token_count. These modules are
# assembled here from their published jars, the way the full distribution lays them out.
set -euo pipefail

OPENSEARCH_PORT="${OPENSEARCH_PORT:-59200}"
OPENSEARCH_TRANSPORT_PORT="${OPENSEARCH_TRANSPORT_PORT:-59300}"
OPENSEARCH_HEAP="${OPENSEARCH_HEAP:-512m}"
OPENSEARCH_VERSION="${OPENSEARCH_VERSION:-2.19.6}"
OPENSEARCH_START_TIMEOUT="${OPENSEARCH_START_TIMEOUT:-120}"
OPENSEARCH_STOP_TIMEOUT="${OPENSEARCH_STOP_TIMEOUT:-30}"
SERVICES_HOME="${SERVICES_HOME:-/var/tmp/spotifyclone-services}"
SERVICE_USER=spotifyclone

# Bump when the set of modules changes, so cached downloads and installs are redone.
MODULES_REV=1
OS_ROOT="$SERVICES_HOME/opensearch"
DIST_DIR="$OS_ROOT/dist/$OPENSEARCH_VERSION-m$MODULES_REV"
INSTALL_DIR="$OS_ROOT/opensearch-$OPENSEARCH_VERSION-m$MODULES_REV"
CONF_DIR="$OS_ROOT/config"
DATA_DIR="$OS_ROOT/data"
LOG_DIR="$OS_ROOT/logs"
TMP_DIR="$OS_ROOT/tmp"
PID_FILE="$OS_ROOT/opensearch.pid"
CONSOLE_LOG="$LOG_DIR/console.log"
URL="http://127.0.0.1:$OPENSEARCH_PORT"

# What the shared helpers need to know (see _lib.sh). The PID's command line is matched
# loosely: until the launcher execs the JVM, it is still setsid/env/setpriv/bin/opensearch.
NAME=opensearch
STATE=$OS_ROOT
PIDFILE=$PID_FILE
LOG=$CONSOLE_LOG
PROC_MATCH=opensearch
ADDRESS=$URL
START_TIMEOUT=$OPENSEARCH_START_TIMEOUT
STOP_TIMEOUT=$OPENSEARCH_STOP_TIMEOUT
STOP_SIGNAL=TERM

# Shared helpers: logging, the service user, PID files, polling with a deadline, stop.
# shellcheck source=_lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/_lib.sh"

java_home() {
  if [[ -n "${OPENSEARCH_JAVA_HOME:-}" ]]; then
    echo "$OPENSEARCH_JAVA_HOME"
  elif [[ "${OPENSEARCH_VERSION%%.*}" -ge 3 ]]; then
    echo /usr/lib/jvm/temurin-25-jdk-amd64
  else
    echo /usr/lib/jvm/java-17-openjdk-amd64
  fi
}

ensure_unzip() {
  command -v unzip >/dev/null && return
  log "installing unzip"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q unzip >/dev/null \
    || { apt-get update -q >/dev/null && apt-get install -y -q unzip >/dev/null; }
}

# One Maven call fetches the distribution zip and the module jars. lang-painless's POM
# drags in the whole server through its SPI, which the zip already contains: exclude it.
fetch_artifacts() {
  [[ -f "$DIST_DIR/.complete" ]] && return
  log "downloading OpenSearch $OPENSEARCH_VERSION with Maven"
  mkdir -p "$DIST_DIR"
  cat >"$DIST_DIR/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.spotifyclone</groupId>
  <artifactId>opensearch-fetch</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.opensearch.distribution.integ-test-zip</groupId>
      <artifactId>opensearch</artifactId>
      <version>$OPENSEARCH_VERSION</version>
      <type>zip</type>
    </dependency>
    <dependency>
      <groupId>org.opensearch.plugin</groupId>
      <artifactId>analysis-common</artifactId>
      <version>$OPENSEARCH_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.opensearch.plugin</groupId>
      <artifactId>mapper-extras-client</artifactId>
      <version>$OPENSEARCH_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.opensearch.plugin</groupId>
      <artifactId>lang-painless</artifactId>
      <version>$OPENSEARCH_VERSION</version>
      <exclusions>
        <exclusion><groupId>org.opensearch</groupId><artifactId>*</artifactId></exclusion>
      </exclusions>
    </dependency>
  </dependencies>
</project>
EOF
  rm -rf "$DIST_DIR/artifacts"
  mvn -B -q -f "$DIST_DIR/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$DIST_DIR/artifacts" \
    || die "Maven could not fetch OpenSearch $OPENSEARCH_VERSION (see above)"
  touch "$DIST_DIR/.complete"
}

# The entry classes were renamed in 3.0 (PainlessPlugin -> PainlessModulePlugin, ...), so
# the class and the Java level are read from the artifacts rather than hard-coded.
write_descriptor() { # install-dir name package extended-plugins description
  local dir="$1/modules/$2" class java
  class="$(unzip -Z1 "$dir"/"$2"*.jar | grep -E "^${3//.//}/[A-Za-z]+Plugin\.class$")"
  class="${class%%$'\n'*}" && class="${class%.class}"
  java="$(sed -n 's/^java.version=//p' "$1/modules/transport-netty4/plugin-descriptor.properties")"
  cat >"$dir/plugin-descriptor.properties" <<EOF
description=$5
version=$OPENSEARCH_VERSION
name=$2
classname=${class//\//.}
java.version=$java
opensearch.version=$OPENSEARCH_VERSION
custom.foldername=
extended.plugins=$4
has.native.controller=false
EOF
}

add_modules() { # install-dir
  local art="$DIST_DIR/artifacts" painless="$1/modules/lang-painless"
  local common="$1/modules/analysis-common" extras="$1/modules/mapper-extras"
  mkdir -p "$painless" "$common" "$extras"
  cp "$art"/analysis-common-*.jar "$common/"
  cp "$art"/mapper-extras-client-*.jar "$extras/"
  # Everything else (painless, its SPI, antlr, asm) belongs to lang-painless.
  find "$art" -name '*.jar' ! -name 'analysis-common-*' ! -name 'mapper-extras-client-*' \
    -exec cp {} "$painless/" \;
  write_descriptor "$1" analysis-common org.opensearch.analysis.common \
    lang-painless 'Adds "built in" analyzers to OpenSearch.'
  write_descriptor "$1" mapper-extras org.opensearch.index.mapper '' 'Adds advanced field mappers.'
  write_descriptor "$1" lang-painless org.opensearch.painless \
    '' 'An easy, safe and fast scripting language for OpenSearch'
  # Painless compiles scripts into classes at run time.
  cat >"$painless/plugin-security.policy" <<'EOF'
grant {
  permission java.lang.RuntimePermission "createClassLoader";
  permission java.lang.RuntimePermission "getClassLoader";
};
EOF
}

# Unpacked into a temporary directory and renamed at the end, so a half-done install is
# never mistaken for a finished one.
install_dist() {
  [[ -x "$INSTALL_DIR/bin/opensearch" ]] && return
  fetch_artifacts
  ensure_unzip
  log "unpacking into $INSTALL_DIR"
  local tmp="$OS_ROOT/.unpack.$$"
  rm -rf "$tmp" && mkdir -p "$tmp"
  unzip -q "$DIST_DIR/artifacts/opensearch-$OPENSEARCH_VERSION.zip" -d "$tmp"
  add_modules "$tmp/opensearch-$OPENSEARCH_VERSION"
  rm -rf "$INSTALL_DIR"
  mv "$tmp/opensearch-$OPENSEARCH_VERSION" "$INSTALL_DIR"
  rm -rf "$tmp"
}

# Config lives outside the install so a port or heap change needs no re-unpack.
write_config() {
  mkdir -p "$CONF_DIR" "$DATA_DIR" "$LOG_DIR" "$TMP_DIR"
  cp "$INSTALL_DIR/config/log4j2.properties" "$CONF_DIR/"
  # The stock file logs GC to a path relative to the install; keep logs in LOG_DIR.
  sed -e "s#logs/gc.log#$LOG_DIR/gc.log#; s#filecount=32,filesize=64m#filecount=2,filesize=16m#" \
    -e "s#HeapDumpPath=data#HeapDumpPath=$LOG_DIR#; s#logs/hs_err#$LOG_DIR/hs_err#" \
    "$INSTALL_DIR/config/jvm.options" >"$CONF_DIR/jvm.options"
  mkdir -p "$CONF_DIR/jvm.options.d"
  local security=""
  [[ -d "$INSTALL_DIR/plugins/opensearch-security" ]] && security="plugins.security.disabled: true"
  cat >"$CONF_DIR/opensearch.yml" <<EOF
cluster.name: spotifyclone-dev
node.name: spotifyclone-dev-1
discovery.type: single-node
network.host: 127.0.0.1
http.port: $OPENSEARCH_PORT
transport.port: $OPENSEARCH_TRANSPORT_PORT
path.data: $DATA_DIR
path.logs: $LOG_DIR
bootstrap.memory_lock: false
# Dev disks can be nearly full; the watermarks would make every index read-only.
cluster.routing.allocation.disk.threshold_enabled: false
$security
EOF
  # The install stays root-owned; the node only writes its config (keystore), data, logs, tmp.
  [[ $EUID -eq 0 ]] && chown -R "$SERVICE_USER:" "$CONF_DIR" "$DATA_DIR" "$LOG_DIR" "$TMP_DIR"
  return 0
}

healthy() {
  curl -fsS --max-time 3 "$URL/_cluster/health" 2>/dev/null | grep -Eq '"status":"(green|yellow)"'
}

start_node() {
  local jh
  jh="$(java_home)"
  [[ -x "$jh/bin/java" ]] || die "no JDK at $jh (set OPENSEARCH_JAVA_HOME)"
  local -a as_user=()
  [[ $EUID -eq 0 ]] && as_user=(setpriv --reuid="$SERVICE_USER" --regid="$(id -g "$SERVICE_USER")" --clear-groups)
  : >"$CONSOLE_LOG"
  # setsid: the node must outlive this shell and ignore the caller's Ctrl-C/SIGHUP.
  # Each wrapper execs, so $! ends up being the JVM's own PID.
  setsid env -i PATH=/usr/bin:/bin HOME="$OS_ROOT" LANG=C.UTF-8 \
    OPENSEARCH_JAVA_HOME="$jh" OPENSEARCH_PATH_CONF="$CONF_DIR" OPENSEARCH_TMPDIR="$TMP_DIR" \
    OPENSEARCH_JAVA_OPTS="-Xms$OPENSEARCH_HEAP -Xmx$OPENSEARCH_HEAP" \
    "${as_user[@]}" "$INSTALL_DIR/bin/opensearch" >>"$CONSOLE_LOG" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
}

port_taken() {
  curl -s -o /dev/null --max-time 2 "$URL/" 2>/dev/null
}

ready() { healthy; }

wait_healthy() {
  wait_until "$OPENSEARCH_START_TIMEOUT" "the node to become healthy" ready_or_dead || return 1
  running || { log "node exited during startup"; return 1; }
}

fail_with_log() {
  log "startup failed; last lines of $CONSOLE_LOG:"
  tail -n 40 "$CONSOLE_LOG" >&2 || true
  exit 1
}

cmd_up() {
  if running; then
    wait_healthy || fail_with_log
    echo "$URL"
    return
  fi
  rm -f "$PID_FILE"
  port_taken && die "port $OPENSEARCH_PORT already answers, but not from our node"
  mkdir -p "$OS_ROOT"
  ensure_user
  install_dist
  write_config
  local t0=$SECONDS
  start_node
  if ! wait_healthy; then
    # Don't leave a half-started node holding the ports for the next run.
    running && cmd_down
    fail_with_log
  fi
  log "healthy after $((SECONDS - t0))s (pid $(read_pid))"
  echo "$URL"
}

cmd_down() {
  if ! running; then
    rm -f "$PID_FILE"
    log "not running"
    return
  fi
  local pid
  pid="$(read_pid)"
  stop
  log "stopped (pid $pid)"
}

cmd_status() {
  if running && healthy; then
    echo "running (pid $(read_pid)) at $URL"
  elif running; then
    echo "starting or unhealthy (pid $(read_pid)) at $URL"
    return 1
  else
    echo "not running"
    return 1
  fi
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
