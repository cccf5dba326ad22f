#!/usr/bin/env bash
# nginx as a TLS-terminating reverse proxy in front of a Tomcat, for the real-world tests, on
# 127.0.0.1 only, with a throwaway self-signed certificate for localhost made anew at each start.
#
#   scripts/tls-proxy.sh start|stop|status
#
# Environment:
#   PORTCULLIS_PROXY_UPSTREAM_PORT  (start, required) the Tomcat HTTP port on 127.0.0.1
#   PORTCULLIS_PROXY_PORT           the https port (default: a free port, printed)
#   PORTCULLIS_CACHE_DIR            cache folder (default <repo>/.cache)
#
# start prints the https URL and the certificate file (PEM) a client can trust. Files: the
# certificate and key in .cache/run/tls-proxy/ (key mode 600, never committed), the rendered
# nginx.conf and nginx's logs in the same folder.
set -euo pipefail

# shellcheck source=tools/idp-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/tools/idp-common.sh"

RUN_DIR=$CACHE_DIR/run/tls-proxy
TEMPLATE=$PORTCULLIS_ROOT/scripts/tools/nginx-tls-proxy.conf

install_nginx() {
    command -v nginx > /dev/null && return 0
    command -v apt-get > /dev/null || die "nginx is missing and there is no apt-get to install it"
    note "installing nginx"
    if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y nginx; then
        as_root apt-get update
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y nginx || die "apt-get could not install nginx"
    fi
}

start() {
    if is_running; then
        die "already running (pid $(state pid), port $(state port)); use stop first"
    fi
    command -v openssl > /dev/null || die "openssl is needed"
    command -v curl > /dev/null || die "curl is needed"
    install_nginx
    local upstream=${PORTCULLIS_PROXY_UPSTREAM_PORT:-} port log
    [[ "$upstream" =~ ^[0-9]+$ ]] || die "PORTCULLIS_PROXY_UPSTREAM_PORT must be the Tomcat port, got [$upstream]"
    port=$(choose_port "${PORTCULLIS_PROXY_PORT:-}")

    rm -rf "$RUN_DIR"
    mkdir -p "$RUN_DIR/tmp"
    (
        umask 077
        openssl req -x509 -newkey rsa:2048 -sha256 -nodes -days 2 -subj "/CN=localhost" \
            -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
            -keyout "$RUN_DIR/proxy.key" -out "$RUN_DIR/proxy.crt" 2> /dev/null
    ) || die "openssl could not make the proxy certificate"
    chmod 644 "$RUN_DIR/proxy.crt"
    render_template "$TEMPLATE" "$RUN_DIR/nginx.conf" RUN_DIR="$RUN_DIR" PORT="$port" \
        UPSTREAM_PORT="$upstream" CERT="$RUN_DIR/proxy.crt" KEY="$RUN_DIR/proxy.key"

    log=$RUN_DIR/nginx.log
    echo "$port" > "$RUN_DIR/port"
    echo "$log" > "$RUN_DIR/log"
    echo "https://localhost:$port" > "$RUN_DIR/base-url"
    note "starting nginx on https://127.0.0.1:$port in front of http://127.0.0.1:$upstream"
    start_server "$log" nginx -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" -e "$RUN_DIR/nginx-error.log"
    wait_ready_tls "https://localhost:$port/.proxy-ready" 30
    echo "TLS proxy: https://localhost:$port -> http://127.0.0.1:$upstream (pid $(state pid), log $RUN_DIR/nginx-error.log)"
    echo "Certificate: $RUN_DIR/proxy.crt"
}

# Like wait_ready, but the certificate is checked against the one just made.
wait_ready_tls() {
    local url=$1 timeout=$2 start=$SECONDS
    until curl -fsS -o /dev/null --max-time 5 --cacert "$RUN_DIR/proxy.crt" "$url" 2> /dev/null; do
        is_running || { cat "$RUN_DIR/nginx-error.log" >> "$RUN_DIR/nginx.log" 2> /dev/null; fail_start "nginx exited before it was ready"; }
        [ $((SECONDS - start)) -lt "$timeout" ] || fail_start "not ready after ${timeout}s ($url)"
        sleep 0.5
    done
}

main() {
    case "${1:-}" in
        start) start ;;
        stop) stop_server ;;
        status)
            if is_running; then
                echo "TLS proxy running: pid $(state pid), $(state base-url)"
            else
                echo "TLS proxy not running"
                exit 3
            fi
            ;;
        *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
    esac
}

main "$@"
