#!/usr/bin/env bash
# A Terracotta server (Ehcache's clustered tier) for Portcullis tests, on 127.0.0.1 only: the state
# store that Tomcat nodes share through conf/ehcache-cluster.xml and the cluster add-on JAR.
#
#   scripts/terracotta.sh start|stop|restart|status
#
# start installs the kit org.ehcache:ehcache-clustered:3.11.1:kit (Maven Central .tgz, 19 MB, checked
# against its SHA-1, cached under .cache/), writes a cluster.cfg for one server bound to 127.0.0.1,
# starts server/bin/start-tc-server.sh with -auto-activate and a fresh configuration folder (so every
# start is an empty server, as after a real restart of a single server), and waits until the server
# logs "Moved to State[ ACTIVE-COORDINATOR ]". A server that does not get there fails the start with
# the tail of its log. stop ends the server's whole process group; it is idempotent.
#
# Environment (all optional):
#   PORTCULLIS_TERRACOTTA_PORT          client port (default: a free port, printed); the group port is
#                                       another free port
#   PORTCULLIS_TERRACOTTA_LEASE         client-lease-duration (default 5s)
#   PORTCULLIS_TERRACOTTA_OFFHEAP       size of the off-heap resource "main" (default 256MB)
#   PORTCULLIS_TERRACOTTA_JAVA_HOME     JDK to run the server with (default JAVA_HOME, else the java on PATH)
#   PORTCULLIS_TERRACOTTA_JAVA_OPTS     JVM options (default -Xms64m -Xmx384m; the kit's own -Xmx2049m is
#                                       overridden)
#   PORTCULLIS_TERRACOTTA_START_TIMEOUT seconds to wait for ACTIVE-COORDINATOR (default 90)
#   PORTCULLIS_CACHE_DIR                cache folder (default <repo>/.cache)
set -euo pipefail

# shellcheck source=tools/idp-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/tools/idp-common.sh"

TC_VERSION=3.11.1
TC_KIT_URL=https://repo.maven.apache.org/maven2/org/ehcache/ehcache-clustered/$TC_VERSION/ehcache-clustered-$TC_VERSION-kit.tgz
TC_HOME=$CACHE_DIR/terracotta/ehcache-clustered-$TC_VERSION-kit
RUN_DIR=$CACHE_DIR/run/terracotta
READY_LINE='Moved to State[ ACTIVE-COORDINATOR ]'

install_kit() {
    [ -x "$TC_HOME/server/bin/start-tc-server.sh" ] && return 0
    local tgz=$CACHE_DIR/downloads/ehcache-clustered-$TC_VERSION-kit.tgz expected actual tmp
    mkdir -p "$CACHE_DIR/downloads" "$CACHE_DIR/terracotta"
    if [ ! -s "$tgz" ]; then
        note "downloading the Terracotta kit (ehcache-clustered $TC_VERSION)"
        curl -fsSL --retry 3 -o "$tgz.part" "$TC_KIT_URL" || die "download failed: $TC_KIT_URL"
        expected=$(curl -fsSL --retry 3 "$TC_KIT_URL.sha1") || die "download failed: $TC_KIT_URL.sha1"
        actual=$(sha1sum "$tgz.part" | cut -d' ' -f1)
        [ "$actual" = "${expected:0:40}" ] || die "checksum mismatch for $TC_KIT_URL: $actual, expected $expected"
        mv "$tgz.part" "$tgz"
    fi
    note "unpacking $tgz"
    tmp=$(mktemp -d "$CACHE_DIR/terracotta/unpack.XXXXXX")
    tar -xzf "$tgz" -C "$tmp" || die "cannot unpack $tgz"
    [ -x "$tmp/ehcache-clustered-$TC_VERSION-kit/server/bin/start-tc-server.sh" ] \
        || die "$tgz holds no server/bin/start-tc-server.sh"
    mv "$tmp/ehcache-clustered-$TC_VERSION-kit" "$TC_HOME"
    rmdir "$tmp"
}

java_home() {
    local home=${PORTCULLIS_TERRACOTTA_JAVA_HOME:-${JAVA_HOME:-}} java
    if [ -z "$home" ]; then
        java=$(command -v java) || die "no java on PATH; set PORTCULLIS_TERRACOTTA_JAVA_HOME"
        home=$(dirname "$(dirname "$(readlink -f "$java")")")
    fi
    [ -x "$home/bin/java" ] || die "no JDK at [$home] (bin/java missing)"
    echo "$home"
}

start() {
    if is_running; then
        die "already running (pid $(state pid), port $(state port)); use stop or restart"
    fi
    command -v curl > /dev/null || die "curl is needed"
    install_kit

    local port group_port lease offheap timeout log home opts started
    port=$(choose_port "${PORTCULLIS_TERRACOTTA_PORT:-}")
    group_port=$(choose_port "")
    [ "$group_port" != "$port" ] || group_port=$(choose_port "")
    lease=${PORTCULLIS_TERRACOTTA_LEASE:-5s}
    [[ "$lease" =~ ^[0-9]+(ms|s|m)$ ]] || die "PORTCULLIS_TERRACOTTA_LEASE must be a duration such as 5s, got [$lease]"
    offheap=${PORTCULLIS_TERRACOTTA_OFFHEAP:-256MB}
    [[ "$offheap" =~ ^[0-9]+(MB|GB)$ ]] || die "PORTCULLIS_TERRACOTTA_OFFHEAP must be a size such as 256MB, got [$offheap]"
    timeout=${PORTCULLIS_TERRACOTTA_START_TIMEOUT:-90}
    [[ "$timeout" =~ ^[0-9]+$ ]] || die "PORTCULLIS_TERRACOTTA_START_TIMEOUT must be seconds"
    home=$(java_home)
    opts=${PORTCULLIS_TERRACOTTA_JAVA_OPTS:--Xms64m -Xmx384m}

    # A fresh server every start: its configuration repository and metadata from an earlier run would
    # make it start as that earlier server.
    rm -rf "$RUN_DIR/config" "$RUN_DIR/metadata" "$RUN_DIR/logs"
    mkdir -p "$RUN_DIR/config" "$RUN_DIR/metadata" "$RUN_DIR/logs"
    cat > "$RUN_DIR/cluster.cfg" <<EOF
# Written by scripts/terracotta.sh: one server, in memory only, on 127.0.0.1.
cluster-name=portcullis-test
failover-priority=availability
offheap-resources=main:$offheap
client-lease-duration=$lease
client-reconnect-window=120s
stripe-names=stripe1
stripe1:node-names=node1
node1:hostname=127.0.0.1
node1:port=$port
node1:group-port=$group_port
node1:bind-address=127.0.0.1
node1:group-bind-address=127.0.0.1
node1:log-dir=$RUN_DIR/logs
node1:metadata-dir=$RUN_DIR/metadata
EOF

    log=$RUN_DIR/terracotta.log
    echo "$port" > "$RUN_DIR/port"
    echo "$log" > "$RUN_DIR/log"
    echo "terracotta://127.0.0.1:$port" > "$RUN_DIR/base-url"
    note "starting the Terracotta server (kit $TC_VERSION) on 127.0.0.1:$port, lease $lease, off-heap main:$offheap"
    started=$SECONDS
    (
        export JAVA_HOME="$home"
        export JAVA_OPTS="$opts"
        start_server "$log" "$TC_HOME/server/bin/start-tc-server.sh" \
            -config-file "$RUN_DIR/cluster.cfg" -config-dir "$RUN_DIR/config" -auto-activate
    )
    while ! grep -qF "$READY_LINE" "$log" 2> /dev/null; do
        is_running || fail_start "the server exited before it was ready"
        [ $((SECONDS - started)) -lt "$timeout" ] || fail_start "not $READY_LINE after ${timeout}s"
        sleep 0.2
    done
    note "ready after $((SECONDS - started)) s"
    echo "Terracotta server: terracotta://127.0.0.1:$port (pid $(state pid), log $log)"
}

status() {
    if is_running; then
        echo "Terracotta server running: pid $(state pid), terracotta://127.0.0.1:$(state port)"
        echo "log: $(state log)"
        return 0
    fi
    echo "Terracotta server not running"
    return 3
}

main() {
    case "${1:-}" in
        start) start ;;
        stop) stop_server ;;
        restart) restart_server PORTCULLIS_TERRACOTTA_PORT ;;
        status) status ;;
        *) echo "usage: $0 start|stop|restart|status" >&2; exit 2 ;;
    esac
}

main "$@"
