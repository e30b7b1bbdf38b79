#!/usr/bin/env bash
# Real single-node backing services for Sohoa, installed from package registries only
# (Maven Central via mvn, the Go module proxy via `go install`) and bound to 127.0.0.1:
#
#   kafka  Apache Kafka (KRaft, combined broker+controller)   127.0.0.1:9092 (controller 9093)
#   es     Elasticsearch (minimal "integ-test-zip" distrib.)  127.0.0.1:9200 (transport 9300)
#   s3     MinIO (or versitygw, SOHOA_S3_SERVER=versitygw)    127.0.0.1:9000
#   pg     PostgreSQL (Debian's package, private cluster)     127.0.0.1:5432
#
# Usage: scripts/services.sh fetch|start|stop|status|env [kafka|es|s3|pg ...]
#   fetch   download/build into the cache (idempotent, atomic tmp+mv, skips what is cached)
#   start   start the services (default: all), concurrently; waits until each is ready.
#           A service this script already started is left alone; a port held by any
#           other process is refused.
#   stop    TERM, wait, then KILL -- only processes this script started (their environment
#           carries SOHOA_SERVICES_OWNER=<run dir>, or their pid file + command line name it)
#   status  one line per service; exit 0 only if all requested services are running
#   env     `export` lines for tests/workers (eval "$(scripts/services.sh env)")
#
# Pinned versions live in scripts/versions.env. Environment knobs (all optional):
#   SOHOA_SERVICES_CACHE  cache dir            (default: $HOME/.cache/sohoa/services)
#   SOHOA_SERVICES_RUN    data/config/log/pids (default: /tmp/sohoa-services)
#   SOHOA_S3_SERVER       minio | versitygw    (default: minio)
#   SOHOA_S3_USER / SOHOA_S3_PASSWORD / SOHOA_S3_BUCKET   (default: sohoa / sohoa-dev-secret / sohoa)
#   ES_JAVA_HOME          JDK for Elasticsearch (default: newest JDK >= 21 found)
#   SOHOA_KAFKA_JAVA_HOME JDK for Kafka         (default: oldest JDK >= 17 found)
#   SOHOA_ES_USER         system user running Elasticsearch when invoked as root (default: sohoa-es)
#   SOHOA_PG_USER         system user running PostgreSQL when invoked as root (default: sohoa-pg)
#   SOHOA_KAFKA_PORT, SOHOA_KAFKA_CONTROLLER_PORT, SOHOA_ES_PORT, SOHOA_ES_TRANSPORT_PORT,
#   SOHOA_S3_PORT         ports (default: 9092, 9093, 9200, 9300, 9000)
#
# Reset all data: scripts/services.sh stop && rm -rf /tmp/sohoa-services
set -Eeuo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/versions.env
source "$HERE/versions.env"

CACHE=${SOHOA_SERVICES_CACHE:-$HOME/.cache/sohoa/services}
RUN=${SOHOA_SERVICES_RUN:-/tmp/sohoa-services}
RUN=${RUN%/}
S3_SERVER=${SOHOA_S3_SERVER:-minio}
S3_USER=${SOHOA_S3_USER:-sohoa}
S3_PASSWORD=${SOHOA_S3_PASSWORD:-sohoa-dev-secret}   # MinIO wants >= 8 characters
S3_BUCKET=${SOHOA_S3_BUCKET:-sohoa}
ES_USER=${SOHOA_ES_USER:-sohoa-es}
PG_USER=${SOHOA_PG_USER:-sohoa-pg}
PG_ROLE=sohoa   # the database superuser made by initdb, and the database name

HOST=127.0.0.1
# Ports can be moved (e.g. a second, isolated stack with its own SOHOA_SERVICES_RUN).
KAFKA_PORT=${SOHOA_KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${SOHOA_KAFKA_CONTROLLER_PORT:-9093}
ES_HTTP_PORT=${SOHOA_ES_PORT:-9200}
ES_TRANSPORT_PORT=${SOHOA_ES_TRANSPORT_PORT:-9300}
S3_PORT=${SOHOA_S3_PORT:-9000}
PG_PORT=${SOHOA_PG_PORT:-5432}

KAFKA_TIMEOUT=${SOHOA_KAFKA_TIMEOUT:-90}
ES_TIMEOUT=${SOHOA_ES_TIMEOUT:-120}
S3_TIMEOUT=${SOHOA_S3_TIMEOUT:-60}
PG_TIMEOUT=${SOHOA_PG_TIMEOUT:-60}
STOP_TIMEOUT=${SOHOA_STOP_TIMEOUT:-30}

ALL_SERVICES=(kafka es s3 pg)
PG_BIN=/usr/lib/postgresql/$PG_MAJOR/bin
OWNER_MARK="SOHOA_SERVICES_OWNER=$RUN"

KAFKA_DIR="$CACHE/kafka_${KAFKA_SCALA_VERSION}-${KAFKA_VERSION}"
ES_DIR="$CACHE/elasticsearch-${ES_VERSION}"
MINIO_DIR="$CACHE/minio-${MINIO_VERSION}"
VERSITYGW_DIR="$CACHE/versitygw-${VERSITYGW_VERSION}"

log() { printf '[services] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s; }

# ---------------------------------------------------------------------------- helpers

services_from_args() {
  local s
  if (($# == 0)); then printf '%s\n' "${ALL_SERVICES[@]}"; return; fi
  for s in "$@"; do
    case $s in
      kafka | es | s3 | pg) echo "$s" ;;
      elasticsearch) echo es ;;
      minio | versitygw) echo s3 ;;
      postgres | postgresql) echo pg ;;
      *) die "unknown service '$s' (expected: kafka es s3 pg)" ;;
    esac
  done
}

# Major version of a java binary ("17.0.15" -> 17, "1.8.0_x" -> 1).
java_major() {
  "$1" -version 2>&1 | sed -nE '1s/.*version "([0-9]+).*/\1/p'
}

# pick_java MIN low|high [explicit_home] -> prints a JAVA_HOME whose major >= MIN
pick_java() {
  local min=$1 pref=$2 explicit=${3:-} cand m best='' best_m=''
  if [[ -n $explicit ]]; then
    m=$(java_major "$explicit/bin/java" 2>/dev/null || true)
    [[ -n $m && $m -ge $min ]] || die "$explicit is not a Java >= $min home"
    echo "$explicit"; return
  fi
  local cands=()
  [[ -n ${JAVA_HOME:-} ]] && cands+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    cands+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for cand in /usr/lib/jvm/* /opt/java/* /usr/local/lib/jvm/*; do [[ -d $cand ]] && cands+=("$cand"); done
  for cand in "${cands[@]}"; do
    [[ -x $cand/bin/java ]] || continue
    m=$(java_major "$cand/bin/java" 2>/dev/null || true)
    [[ -n $m && $m -ge $min ]] || continue
    if [[ -z $best ]] || { [[ $pref == high ]] && ((m > best_m)); } || { [[ $pref == low ]] && ((m < best_m)); }; then
      best=$cand best_m=$m
    fi
  done
  [[ -n $best ]] || die "no Java >= $min found (set JAVA_HOME, or install e.g. openjdk-${min}-jre-headless)"
  echo "$best"
}

# True if PID exists and is not a zombie.
alive() {
  local st
  st=$(sed -E 's/.*\) ([A-Za-z]).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $st && $st != Z && $st != X ]]
}

# True if PID's environment (or, failing that, its command line) names our run dir.
is_ours() {
  local pid=$1
  [[ $pid =~ ^[0-9]+$ && -d /proc/$pid ]] || return 1
  if [[ -r /proc/$pid/environ ]] && tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -qxF -- "$OWNER_MARK"; then
    return 0
  fi
  tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "$RUN/"
}

pidfile_of() {
  case $1 in
    kafka) echo "$RUN/kafka/kafka.pid" ;;
    es) echo "$RUN/es/run/es.pid" ;;
    s3) echo "$RUN/s3/s3.pid" ;;
    pg) echo "$RUN/pg/data/postmaster.pid" ;;
  esac
}

# Prints the pid of a running service we started, else fails.
running_pid() {
  local f pid
  f=$(pidfile_of "$1")
  [[ -r $f ]] || return 1
  pid=$(head -n 1 "$f") || return 1
  pid=${pid//[^0-9]/}
  [[ -n $pid ]] && alive "$pid" && is_ours "$pid" || return 1
  echo "$pid"
}

# All live processes carrying our owner mark (sweep for strays, e.g. a lost pid file).
marked_pids() {
  local d pid
  for d in /proc/[0-9]*; do
    pid=${d#/proc/}
    [[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
    [[ -r $d/environ ]] || continue
    if tr '\0' '\n' 2>/dev/null <"$d/environ" | grep -qxF -- "$OWNER_MARK" && alive "$pid"; then echo "$pid"; fi
  done
}

# Pids listening on a TCP port (any address).
port_pids() {
  ss -Hltnp "sport = :$1" 2>/dev/null | grep -oE 'pid=[0-9]+' | cut -d= -f2 | sort -u
}
port_in_use() { [[ -n $(ss -Hltn "sport = :$1" 2>/dev/null) ]]; }

# Refuse to start if any of the ports is held by a process we did not start.
check_ports_free() {
  local svc=$1 port pid
  shift
  for port in "$@"; do
    port_in_use "$port" || continue
    local pids
    pids=$(port_pids "$port")
    if [[ -z $pids ]]; then
      log "$svc: port $port is in use by a process this user cannot see; refusing to start"
      return 1
    fi
    for pid in $pids; do
      if ! is_ours "$pid"; then
        log "$svc: port $port is held by a foreign process (pid $pid: $(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | cut -c1-120)); refusing to start"
        return 1
      fi
    done
    log "$svc: port $port is held by a stray process we started earlier (pid $pids); run '$0 stop' first"
    return 1
  done
}

tcp_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

# Launch a command detached (own session), stdout/stderr appended to a log, pid echoed.
# Runs in a subshell that is not a process-group leader, so setsid does not fork: $! is the server.
spawn() {
  local logf=$1 dir=$2
  shift 2
  (
    cd "$dir"
    # the server must not inherit (and so hold) our run-dir lock
    if [[ -n ${RUN_LOCK:-} ]]; then exec {RUN_LOCK}>&-; fi
    exec env "$OWNER_MARK" setsid "$@" >>"$logf" 2>&1 </dev/null
  ) &
  echo $!
}

tail_log() {
  local f
  for f in "$@"; do
    [[ -s $f ]] || continue
    log "---- last lines of $f ----"
    tail -n 40 "$f" >&2 || true
  done
}

# ------------------------------------------------------------------------------ fetch

# cache_put FINAL_DIR BUILDER: runs BUILDER TMPDIR, then atomically renames TMPDIR to FINAL_DIR.
cache_put() {
  local final=$1 builder=$2 name lock tmp t0
  name=$(basename "$final")
  if [[ -d $final ]]; then log "$name: cached ($final)"; return 0; fi
  mkdir -p "$CACHE"
  exec {lock}>"$CACHE/.$name.lock"
  flock "$lock"
  if [[ -d $final ]]; then log "$name: cached ($final)"; exec {lock}>&-; return 0; fi
  tmp=$(mktemp -d "$CACHE/.tmp.$name.XXXXXX")
  t0=$(now)
  log "$name: fetching ..."
  if "$builder" "$tmp"; then
    chmod 755 "$tmp"
    mv -T "$tmp" "$final"
    log "$name: done in $(($(now) - t0))s"
    exec {lock}>&-
  else
    rm -rf "$tmp"
    exec {lock}>&-
    log "$name: FAILED after $(($(now) - t0))s"
    return 1
  fi
}

need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found: $2"; }

mvn_q() { mvn -B -ntp -q -U -Dstyle.color=never "$@"; }

build_kafka() {
  local tmp=$1
  need mvn "install Maven (apt-get install maven)"
  cat >"$tmp/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- fetch-only pom generated by scripts/services.sh -->
<project>
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.sohoa</groupId>
  <artifactId>kafka-server-libs</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_${KAFKA_SCALA_VERSION}</artifactId><version>${KAFKA_VERSION}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>${KAFKA_SLF4J_VERSION}</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-api</artifactId><version>${KAFKA_LOG4J_VERSION}</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>${KAFKA_LOG4J_VERSION}</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>${KAFKA_LOG4J_VERSION}</version></dependency>
  </dependencies>
</project>
EOF
  (cd "$tmp" && mvn_q -f pom.xml \
    "org.apache.maven.plugins:maven-dependency-plugin:${MVN_DEPENDENCY_PLUGIN_VERSION}:copy-dependencies" \
    -DincludeScope=runtime -DoutputDirectory="$tmp/libs") || return 1
  [[ -f $tmp/libs/kafka_${KAFKA_SCALA_VERSION}-${KAFKA_VERSION}.jar ]] || { log "kafka jar missing after mvn"; return 1; }
}

build_es() {
  local tmp=$1 zip sum
  need mvn "install Maven (apt-get install maven)"
  need unzip "apt-get install unzip"
  cat >"$tmp/pom.xml" <<EOF
<project><modelVersion>4.0.0</modelVersion>
<groupId>local.sohoa</groupId><artifactId>es-fetch</artifactId><version>1</version><packaging>pom</packaging></project>
EOF
  (cd "$tmp" && mvn_q -f pom.xml \
    "org.apache.maven.plugins:maven-dependency-plugin:${MVN_DEPENDENCY_PLUGIN_VERSION}:copy" \
    -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ES_VERSION}:zip" \
    -DoutputDirectory="$tmp") || return 1
  rm -f "$tmp/pom.xml"
  zip="$tmp/elasticsearch-${ES_VERSION}.zip"
  [[ -f $zip ]] || { log "elasticsearch zip missing after mvn"; return 1; }
  sum=$(sha256sum "$zip" | cut -d' ' -f1)
  if [[ $sum != "$ES_ZIP_SHA256" ]]; then
    log "elasticsearch zip SHA-256 mismatch: got $sum, pinned $ES_ZIP_SHA256"
    return 1
  fi
  unzip -tq "$zip" >/dev/null || { log "elasticsearch zip is corrupt"; return 1; }
}

# go install into TMP/bin. Module and build caches: Go's defaults (GOPATH, GOCACHE), which persist.
go_build() {
  local tmp=$1 pkg=$2 tags=${3:-}
  need go "install Go >= 1.24"
  mkdir -p "$tmp/bin"
  local args=(install)
  [[ -n $tags ]] && args+=(-tags "$tags")
  (cd "$tmp" && GOBIN="$tmp/bin" CGO_ENABLED=0 GOFLAGS=-trimpath GO111MODULE=on go "${args[@]}" "$pkg") || return 1
}
build_minio() { go_build "$1" "${MINIO_MODULE}@${MINIO_VERSION}" "$MINIO_BUILD_TAGS" && [[ -x $1/bin/minio ]]; }
build_versitygw() { go_build "$1" "${VERSITYGW_MODULE}@${VERSITYGW_VERSION}" && [[ -x $1/bin/versitygw ]]; }

s3_cache_dir() { if [[ $S3_SERVER == versitygw ]]; then echo "$VERSITYGW_DIR"; else echo "$MINIO_DIR"; fi; }

# Debian's PostgreSQL server package; its own service is kept from starting (we run a private cluster).
install_pg() {
  [[ -x $PG_BIN/initdb ]] && { log "pg: PostgreSQL $PG_MAJOR installed"; return 0; }
  ((EUID == 0)) || die "pg: PostgreSQL $PG_MAJOR is not installed; run as root or: apt-get install postgresql-$PG_MAJOR"
  log "pg: installing postgresql-$PG_MAJOR (Debian package)"
  local policy=/usr/sbin/policy-rc.d made=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made=1
  fi
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "postgresql-$PG_MAJOR" >/dev/null
  local rc=$?
  ((made)) && rm -f "$policy"
  return $rc
}

fetch_one() {
  case $1 in
    pg) install_pg ;;
    kafka) cache_put "$KAFKA_DIR" build_kafka ;;
    es) cache_put "$ES_DIR" build_es ;;
    s3)
      case $S3_SERVER in
        minio) cache_put "$MINIO_DIR" build_minio ;;
        versitygw) cache_put "$VERSITYGW_DIR" build_versitygw ;;
        *) die "SOHOA_S3_SERVER must be minio or versitygw" ;;
      esac
      ;;
  esac
}

cmd_fetch() {
  local svcs s rc=0 pids=()
  mapfile -t svcs < <(services_from_args "$@")
  # The Go build is by far the longest: run every fetch concurrently.
  for s in "${svcs[@]}"; do
    fetch_one "$s" &
    pids+=($!)
  done
  for s in "${pids[@]}"; do wait "$s" || rc=1; done
  ((rc == 0)) || die "fetch failed"
}

# ------------------------------------------------------------------------------ kafka

write_kafka_config() {
  local d=$RUN/kafka
  mkdir -p "$d/data" "$d/logs"
  cat >"$d/server.properties" <<EOF
# generated by scripts/services.sh -- rewritten on every start
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${HOST}:${KAFKA_CONTROLLER_PORT}
listeners=PLAINTEXT://${HOST}:${KAFKA_PORT},CONTROLLER://${HOST}:${KAFKA_CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://${HOST}:${KAFKA_PORT}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${d}/data
num.partitions=1
default.replication.factor=1
auto.create.topics.enable=true
offsets.topic.num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.retention.hours=168
EOF
  cat >"$d/log4j2.properties" <<'EOF'
# generated by scripts/services.sh
status = warn
# keep logging until Kafka's own shutdown hook has finished
shutdownHook = disable
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRefs = out
rootLogger.appenderRef.out.ref = STDOUT
logger.kafkareq.name = kafka.request.logger
logger.kafkareq.level = WARN
logger.clients.name = org.apache.kafka.clients
logger.clients.level = WARN
EOF
}

launch_kafka() {
  local d=$RUN/kafka libs=$KAFKA_DIR/libs jhome java cid pid
  [[ -d $libs ]] || { log "kafka: not fetched; run '$0 fetch kafka'"; return 1; }
  check_ports_free kafka "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" || return 1
  jhome=$(pick_java "$KAFKA_MIN_JAVA" low "${SOHOA_KAFKA_JAVA_HOME:-}")
  java=$jhome/bin/java
  write_kafka_config
  if [[ ! -s $d/cluster.id ]]; then
    # 16 random bytes, URL-safe base64 without padding = a Kafka Uuid (22 chars)
    head -c 16 /dev/urandom | base64 | tr '+/' '-_' | cut -c1-22 >"$d/cluster.id"
  fi
  cid=$(<"$d/cluster.id")
  if [[ ! -f $d/data/meta.properties ]]; then
    log "kafka: formatting storage (cluster id $cid)"
    if ! "$java" -Xmx256m -Dlog4j2.configurationFile="$d/log4j2.properties" -cp "$libs/*" \
      kafka.tools.StorageTool format -t "$cid" -c "$d/server.properties" --ignore-formatted \
      >"$d/logs/format.log" 2>&1; then
      tail_log "$d/logs/format.log"
      return 1
    fi
  fi
  [[ -f $d/logs/server.log ]] && mv -f "$d/logs/server.log" "$d/logs/server.log.1"
  pid=$(spawn "$d/logs/server.log" "$d" "$java" -Xms256m -Xmx512m \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$d/log4j2.properties" \
    -cp "$libs/*" kafka.Kafka "$d/server.properties")
  echo "$pid" >"$d/kafka.pid"
  log "kafka: launched pid $pid (java $(java_major "$java"), $KAFKA_VERSION)"
}

ready_kafka() {
  grep -q 'Kafka Server started' "$RUN/kafka/logs/server.log" 2>/dev/null && tcp_open "$HOST" "$KAFKA_PORT"
}
logs_kafka() { echo "$RUN/kafka/logs/server.log"; }

# ---------------------------------------------------------------------- elasticsearch

ensure_es_user() {
  id -u "$ES_USER" >/dev/null 2>&1 && return 0
  log "es: creating system user $ES_USER (Elasticsearch refuses to run as root)"
  useradd --system --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin "$ES_USER" 2>/dev/null ||
    useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
}

launch_es() {
  local d=$RUN/es zip=$ES_DIR/elasticsearch-${ES_VERSION}.zip home jhome pid
  [[ -f $zip ]] || { log "es: not fetched; run '$0 fetch es'"; return 1; }
  check_ports_free es "$ES_HTTP_PORT" "$ES_TRANSPORT_PORT" || return 1
  jhome=$(pick_java "$ES_MIN_JAVA" high "${ES_JAVA_HOME:-}")
  home=$d/home/elasticsearch-${ES_VERSION}
  mkdir -p "$d/home" "$d/data" "$d/logs" "$d/tmp" "$d/run"
  if [[ ! -x $home/bin/elasticsearch ]]; then
    # the cache may be unreadable for the service user: unpack into the run dir
    local t
    t=$(mktemp -d "$d/home/.unzip.XXXXXX")
    unzip -q "$zip" -d "$t"
    rm -rf "$home"
    mv -T "$t/elasticsearch-${ES_VERSION}" "$home"
    rm -rf "$t"
  fi
  if [[ ! -f $d/config/.version || $(<"$d/config/.version") != "$ES_VERSION" ]]; then
    rm -rf "$d/config"
    cp -a "$home/config" "$d/config"
    echo "$ES_VERSION" >"$d/config/.version"
  fi
  mkdir -p "$d/config/jvm.options.d"
  cat >"$d/config/elasticsearch.yml" <<EOF
# generated by scripts/services.sh -- rewritten on every start.
# Only settings of modules present in the integ-test-zip: unknown settings abort startup.
cluster.name: sohoa-dev
node.name: sohoa-es-1
path.data: $d/data
path.logs: $d/logs
network.host: $HOST
http.port: $ES_HTTP_PORT
transport.port: $ES_TRANSPORT_PORT
discovery.type: single-node
xpack.security.enabled: false
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
EOF
  cat >"$d/config/jvm.options.d/sohoa.options" <<EOF
-Xms1g
-Xmx1g
EOF
  rm -f "$d/run/es.pid"
  : >"$d/logs/launcher.log"
  local envs=("ES_JAVA_HOME=$jhome" "ES_PATH_CONF=$d/config" "ES_TMPDIR=$d/tmp")
  # ES asks for 65535 file descriptors (only a warning on loopback); raise if allowed.
  # (vm.max_map_count is a host sysctl: left alone, also just a warning on loopback.)
  ulimit -n 65535 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  if ((EUID == 0)); then
    ensure_es_user
    chmod 755 "$RUN"
    chown -R "$ES_USER:" "$d"
    pid=$(spawn "$d/logs/launcher.log" "$d" runuser -u "$ES_USER" -- \
      env -u ES_JAVA_OPTS "${envs[@]}" "$home/bin/elasticsearch" -d -p "$d/run/es.pid")
  else
    pid=$(spawn "$d/logs/launcher.log" "$d" \
      env -u ES_JAVA_OPTS "${envs[@]}" "$home/bin/elasticsearch" -d -p "$d/run/es.pid")
  fi
  # The CLI launcher daemonizes the server, writes the pid file and exits once it is up.
  echo "$pid" >"$d/run/launcher.pid"
  log "es: launched (launcher pid $pid, java $(java_major "$jhome/bin/java"), $ES_VERSION)"
}

ready_es() {
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
    "http://$HOST:$ES_HTTP_PORT/_cluster/health?wait_for_status=yellow&timeout=2s") || return 1
  [[ $code == 200 ]]
}
logs_es() { echo "$RUN/es/logs/launcher.log" "$RUN/es/logs/sohoa-dev.log"; }

# ---------------------------------------------------------------------------- s3

launch_s3() {
  local d=$RUN/s3 bin pid
  bin=$(s3_cache_dir)/bin/$S3_SERVER
  [[ -x $bin ]] || { log "s3: $S3_SERVER not fetched; run '$0 fetch s3'"; return 1; }
  check_ports_free s3 "$S3_PORT" || return 1
  # one data dir per implementation: their on-disk layouts differ
  local data=$d/$S3_SERVER-data
  mkdir -p "$data" "$d/logs"
  [[ -f $d/logs/server.log ]] && mv -f "$d/logs/server.log" "$d/logs/server.log.1"
  if [[ $S3_SERVER == minio ]]; then
    pid=$(spawn "$d/logs/server.log" "$d" env \
      MINIO_ROOT_USER="$S3_USER" MINIO_ROOT_PASSWORD="$S3_PASSWORD" \
      MINIO_BROWSER=off MINIO_UPDATE=off MINIO_CI_CD=1 MINIO_CALLHOME_ENABLE=off \
      "$bin" server "$data" --address "$HOST:$S3_PORT")
  else
    mkdir -p "$d/versitygw-sidecar"
    pid=$(spawn "$d/logs/server.log" "$d" env \
      ROOT_ACCESS_KEY="$S3_USER" ROOT_SECRET_KEY="$S3_PASSWORD" \
      "$bin" --port "$HOST:$S3_PORT" --health /health posix --sidecar "$d/versitygw-sidecar" "$data")
  fi
  echo "$pid" >"$d/s3.pid"
  log "s3: launched $S3_SERVER pid $pid"
}

ready_s3() {
  local path=/minio/health/ready
  [[ $S3_SERVER == versitygw ]] && path=/health
  curl -fsS -o /dev/null --max-time 3 "http://$HOST:$S3_PORT$path" 2>/dev/null
}
logs_s3() { echo "$RUN/s3/logs/server.log"; }

# Create the bucket through the S3 API (SigV4 signed by curl); 409 = it already exists.
ensure_bucket() {
  local code
  code=$(curl -s -o "$RUN/s3/logs/create-bucket.xml" -w '%{http_code}' --max-time 10 -X PUT \
    --aws-sigv4 "aws:amz:us-east-1:s3" --user "$S3_USER:$S3_PASSWORD" \
    -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "http://$HOST:$S3_PORT/$S3_BUCKET") || true
  case $code in
    200 | 409) return 0 ;;
    *) log "s3: creating bucket $S3_BUCKET failed (HTTP $code): $(cat "$RUN/s3/logs/create-bucket.xml" 2>/dev/null)"; return 1 ;;
  esac
}

# ---------------------------------------------------------------------------- pg

ensure_pg_user() {
  id -u "$PG_USER" >/dev/null 2>&1 && return 0
  log "pg: creating system user $PG_USER (PostgreSQL refuses to run as root)"
  useradd --system --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin "$PG_USER" 2>/dev/null ||
    useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_USER"
}

as_pg() { if ((EUID == 0)); then runuser -u "$PG_USER" -- "$@"; else "$@"; fi; }

launch_pg() {
  local d=$RUN/pg
  [[ -x $PG_BIN/initdb ]] || { log "pg: not installed; run '$0 fetch pg'"; return 1; }
  check_ports_free pg "$PG_PORT" || return 1
  mkdir -p "$d/logs"
  if ((EUID == 0)); then
    ensure_pg_user
    chmod 755 "$RUN"
    chown -R "$PG_USER:" "$d"
  fi
  if [[ ! -f $d/data/PG_VERSION ]]; then
    # trust on 127.0.0.1 only: a throw-away test cluster; anything real uses a password (scram)
    as_pg "$PG_BIN/initdb" -D "$d/data" -U "$PG_ROLE" --auth=trust -E UTF8 --locale=C.UTF-8 >"$d/logs/initdb.log" 2>&1 ||
      { tail_log "$d/logs/initdb.log"; return 1; }
  fi
  rm -f "$d/data/postmaster.pid"
  # In a subshell that drops the run-dir lock first: the server must not inherit (and so hold) it.
  (
    if [[ -n ${RUN_LOCK:-} ]]; then exec {RUN_LOCK}>&-; fi
    as_pg env "$OWNER_MARK" "$PG_BIN/pg_ctl" -D "$d/data" -l "$d/logs/server.log" -w -t "$PG_TIMEOUT" \
      -o "-p $PG_PORT -k $d -c listen_addresses=$HOST" start >/dev/null
  ) || { tail_log "$d/logs/server.log"; return 1; }
  log "pg: launched PostgreSQL $PG_MAJOR (pid $(head -n 1 "$d/data/postmaster.pid"))"
}

ready_pg() {
  "$PG_BIN/pg_isready" -q -h "$HOST" -p "$PG_PORT" -t 2 || return 1
  # the application database, once
  if ! "$PG_BIN/psql" -h "$HOST" -p "$PG_PORT" -U "$PG_ROLE" -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$PG_ROLE'" 2>/dev/null | grep -q 1; then
    "$PG_BIN/createdb" -h "$HOST" -p "$PG_PORT" -U "$PG_ROLE" "$PG_ROLE" 2>/dev/null || return 1
  fi
}
logs_pg() { echo "$RUN/pg/logs/server.log"; }

stop_pg() {
  # fast shutdown: ends client sessions at once instead of waiting for them (TERM = "smart")
  [[ -f $RUN/pg/data/postmaster.pid ]] || return 0
  as_pg "$PG_BIN/pg_ctl" -D "$RUN/pg/data" -m fast -w -t "$STOP_TIMEOUT" stop >/dev/null 2>&1 || true
}

# ------------------------------------------------------------------------- start/stop

timeout_of() { case $1 in kafka) echo "$KAFKA_TIMEOUT" ;; es) echo "$ES_TIMEOUT" ;; s3) echo "$S3_TIMEOUT" ;; pg) echo "$PG_TIMEOUT" ;; esac; }

# wait_ready SVC T0: polls until ready; fails early if the process died.
wait_ready() {
  local svc=$1 t0=$2 limit pid
  limit=$(timeout_of "$svc")
  while :; do
    if "ready_$svc"; then
      [[ $svc == s3 ]] && { ensure_bucket || return 1; }
      log "$svc: ready after $(($(now) - t0))s"
      return 0
    fi
    if pid=$(running_pid "$svc"); then
      :
    elif [[ $svc == es ]] && launcher_alive; then
      : # still starting: the pid file appears once the node is bootstrapped
    else
      log "$svc: process exited before becoming ready"
      # shellcheck disable=SC2046
      tail_log $("logs_$svc")
      return 1
    fi
    if (($(now) - t0 >= limit)); then
      log "$svc: not ready after ${limit}s"
      # shellcheck disable=SC2046
      tail_log $("logs_$svc")
      return 1
    fi
    sleep 1
  done
}

launcher_alive() {
  local f=$RUN/es/run/launcher.pid pid
  [[ -r $f ]] || return 1
  pid=$(<"$f")
  alive "$pid" && is_ours "$pid"
}

cmd_start() {
  local svcs s t0 rc=0 pid
  local -A waiters=()
  mapfile -t svcs < <(services_from_args "$@")
  mkdir -p "$RUN"
  chmod 755 "$RUN" 2>/dev/null || true
  need curl "apt-get install curl"
  need ss "apt-get install iproute2"
  t0=$(now)
  # ES is the slowest: launch it first; all of them boot concurrently.
  for s in es s3 kafka pg; do
    [[ " ${svcs[*]} " == *" $s "* ]] || continue
    if pid=$(running_pid "$s"); then
      log "$s: already running (pid $pid), left alone"
    else
      # in a subshell with errexit in force (it would be ignored in an `if`/`||` context)
      local lrc=0
      set +e
      (
        set -e
        "launch_$s"
      )
      lrc=$?
      set -e
      if ((lrc != 0)); then
        log "$s: launch failed"
        rc=1
        continue
      fi
    fi
    wait_ready "$s" "$t0" &
    waiters[$s]=$!
  done
  for s in "${!waiters[@]}"; do
    wait "${waiters[$s]}" || rc=1
  done
  if ((rc != 0)); then
    log "start failed (see messages above); '$0 stop' cleans up"
    return 1
  fi
  log "all started in $(($(now) - t0))s"
}

# Every pid we may signal for SVC: the pid file's (if verified) plus the ES launcher.
service_pids() {
  local pid
  if pid=$(running_pid "$1"); then echo "$pid"; fi
  if [[ $1 == es ]] && launcher_alive; then cat "$RUN/es/run/launcher.pid"; fi
}

cmd_stop() {
  local svcs s pid t0 all=() left
  mapfile -t svcs < <(services_from_args "$@")
  [[ " ${svcs[*]} " == *" pg "* ]] && stop_pg
  for s in "${svcs[@]}"; do
    while read -r pid; do [[ -n $pid ]] && all+=("$pid"); done < <(service_pids "$s")
  done
  if (($# == 0)); then
    # stopping everything: also sweep stray processes carrying our owner mark
    while read -r pid; do [[ -n $pid ]] && all+=("$pid"); done < <(marked_pids)
  fi
  mapfile -t all < <(printf '%s\n' "${all[@]}" | grep . | sort -un)
  if ((${#all[@]} == 0)); then
    log "nothing running"
  else
    log "stopping pids ${all[*]} (TERM)"
    for pid in "${all[@]}"; do is_ours "$pid" && kill -TERM "$pid" 2>/dev/null || true; done
    t0=$(now)
    while :; do
      left=()
      for pid in "${all[@]}"; do
        alive "$pid" && is_ours "$pid" && left+=("$pid")
      done
      ((${#left[@]} == 0)) && break
      if (($(now) - t0 >= STOP_TIMEOUT)); then
        log "still running after ${STOP_TIMEOUT}s: ${left[*]} (KILL)"
        for pid in "${left[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
        sleep 1
        break
      fi
      sleep 0.5
    done
    log "stopped in $(($(now) - t0))s"
  fi
  for s in "${svcs[@]}"; do rm -f "$(pidfile_of "$s")"; done
  [[ " ${svcs[*]} " == *" es "* ]] && rm -f "$RUN/es/run/launcher.pid"
  return 0
}

cmd_status() {
  local svcs s pid rc=0 ready rss
  mapfile -t svcs < <(services_from_args "$@")
  for s in "${svcs[@]}"; do
    local ep
    case $s in
      kafka) ep="kafka://$HOST:$KAFKA_PORT (kafka_${KAFKA_SCALA_VERSION} $KAFKA_VERSION)" ;;
      es) ep="http://$HOST:$ES_HTTP_PORT (elasticsearch $ES_VERSION)" ;;
      s3) ep="http://$HOST:$S3_PORT ($S3_SERVER)" ;;
      pg) ep="postgresql://$PG_ROLE@$HOST:$PG_PORT/$PG_ROLE (PostgreSQL $PG_MAJOR)" ;;
    esac
    if pid=$(running_pid "$s"); then
      if "ready_$s"; then ready=ready; else ready="NOT ready"; rc=3; fi
      rss=$(awk '/^VmRSS/{printf "%d MB", $2/1024}' "/proc/$pid/status" 2>/dev/null || true)
      printf '%-6s running  pid %-7s %-9s rss %-8s %s\n' "$s" "$pid" "$ready" "$rss" "$ep"
    else
      printf '%-6s stopped  %s\n' "$s" "$ep"
      rc=3
    fi
  done
  return $rc
}

cmd_env() {
  cat <<EOF
# Sohoa endpoints (scripts/services.sh). S3 URL form: s3://ACCESS_KEY:SECRET_KEY@HOST:PORT/BUCKET
# (plain HTTP; keys are percent-encoded if they contain reserved characters).
export SOHOA_BUS=kafka://$HOST:$KAFKA_PORT
export SOHOA_STORE=s3://$S3_USER:$S3_PASSWORD@$HOST:$S3_PORT/$S3_BUCKET
export SOHOA_INDEX=http://$HOST:$ES_HTTP_PORT
export SOHOA_DATABASE=postgresql://$PG_ROLE@$HOST:$PG_PORT/$PG_ROLE
EOF
}

usage() {
  sed -n '2,/^set -E/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
}

# Serialize start/stop/restart of the same run dir.
run_lock() {
  mkdir -p "$RUN"
  chmod 755 "$RUN" 2>/dev/null || true
  exec {RUN_LOCK}>"$RUN/.services.lock"
  flock "$RUN_LOCK"
}

main() {
  local cmd=${1:-help}
  (($# > 0)) && shift
  case $cmd in
    fetch) cmd_fetch "$@" ;;
    start) run_lock; cmd_start "$@" ;;
    stop) run_lock; cmd_stop "$@" ;;
    restart) run_lock; cmd_stop "$@"; cmd_start "$@" ;;
    status) cmd_status "$@" ;;
    env) cmd_env ;;
    help | -h | --help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
