# shellcheck shell=bash
# Shared by scripts/keycloak.sh and scripts/simplesamlphp.sh: settings read from the environment,
# key generation, template rendering, and a background server's life cycle (start, wait, stop).
# Source it; it defines functions and a few variables and runs nothing else.
#
# Each server runs in its own session (setsid), so its whole process tree is one process group
# that `stop` can signal at once. Its state lives in $RUN_DIR: pid (the group leader), port,
# log (path of the server log), base-url, metadata-url.

PORTCULLIS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE_DIR=${PORTCULLIS_CACHE_DIR:-$PORTCULLIS_ROOT/.cache}

die() {
    echo "$(basename "$0"): $*" >&2
    exit 1
}

note() {
    echo "$(basename "$0"): $*" >&2
}

# Runs a command as root: directly when we are root, through sudo when it exists.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo > /dev/null 2>&1; then
        sudo "$@"
    else
        die "need root for: $* (not root and no sudo)"
    fi
}

# --- settings shared by both IdPs -------------------------------------------------------------

# Reads the SP and variation settings into SP_ENTITY_ID, SP_ACS_URL, SP_SLO_URL, SP_HOST,
# SP_CERT, SP_CERT_DATA, SIGN_ASSERTION, SIGN_RESPONSE, NAMEID (username|email), ENCRYPT_ASSERTION
# (true|false).
# shellcheck disable=SC2034 # the variables are read by the calling script
read_sp_settings() {
    SP_ENTITY_ID=${PORTCULLIS_SP_ENTITY_ID:-http://localhost:8080/sso/metadata}
    SP_ACS_URL=${PORTCULLIS_SP_ACS_URL:-http://localhost:8080/sso/acs}
    # Portcullis answers Single Logout next to its ACS: <endpointPath>/slo.
    SP_SLO_URL=${PORTCULLIS_SP_SLO_URL:-${SP_ACS_URL%/*}/slo}
    check_plain_value PORTCULLIS_SP_ENTITY_ID "$SP_ENTITY_ID"
    check_plain_value PORTCULLIS_SP_ACS_URL "$SP_ACS_URL"
    check_plain_value PORTCULLIS_SP_SLO_URL "$SP_SLO_URL"
    local url
    for url in "$SP_ACS_URL" "$SP_SLO_URL"; do
        case "$url" in
            http://* | https://*) ;;
            *) die "PORTCULLIS_SP_ACS_URL and PORTCULLIS_SP_SLO_URL must be http(s) URLs, got [$url]" ;;
        esac
    done
    # host[:port] of the SP as SimpleSAMLphp compares hosts (a port only when not the scheme's own).
    local rest=${SP_SLO_URL#*://}
    SP_HOST=${rest%%/*}
    case "$SP_SLO_URL" in
        http://*:80/* | http://*:80) SP_HOST=${SP_HOST%:80} ;;
        https://*:443/* | https://*:443) SP_HOST=${SP_HOST%:443} ;;
    esac

    if [ -n "${PORTCULLIS_SP_CERT:-}" ]; then
        SP_CERT=$PORTCULLIS_SP_CERT
        [ -r "$SP_CERT" ] || die "PORTCULLIS_SP_CERT [$SP_CERT] is not a readable file"
    else
        # No SP certificate given: use (and create once) a throwaway SP key pair in the cache,
        # which IdpLoginProbe picks up by default.
        SP_CERT=$CACHE_DIR/sp/sp.crt
        ensure_key_pair "$CACHE_DIR/sp" sp "Portcullis throwaway test SP"
    fi
    SP_CERT_DATA=$(pem_body "$SP_CERT") || die "PORTCULLIS_SP_CERT [$SP_CERT] holds no PEM certificate"

    case "${PORTCULLIS_IDP_SIGNING:-assertion}" in
        assertion) SIGN_ASSERTION=true SIGN_RESPONSE=false ;;
        response) SIGN_ASSERTION=false SIGN_RESPONSE=true ;;
        both) SIGN_ASSERTION=true SIGN_RESPONSE=true ;;
        *) die "PORTCULLIS_IDP_SIGNING must be assertion, response or both, got [$PORTCULLIS_IDP_SIGNING]" ;;
    esac
    NAMEID=${PORTCULLIS_IDP_NAMEID:-username}
    case "$NAMEID" in
        username | email) ;;
        *) die "PORTCULLIS_IDP_NAMEID must be username or email, got [$NAMEID]" ;;
    esac
    # Assertions encrypted for the SP, with the key of PORTCULLIS_SP_CERT (the valve publishes its
    # RSA key for encryption too).
    ENCRYPT_ASSERTION=${PORTCULLIS_IDP_ENCRYPT:-false}
    case "$ENCRYPT_ASSERTION" in
        true | false) ;;
        *) die "PORTCULLIS_IDP_ENCRYPT must be true or false, got [$ENCRYPT_ASSERTION]" ;;
    esac
}

# Values end up inside JSON and PHP string literals: allow only characters that need no escaping.
check_plain_value() {
    local name=$1 value=$2 re='^[A-Za-z0-9:/._~%?&=+@,;-]+$'
    [[ -n "$value" && "$value" =~ $re ]] \
        || die "$name [$value] is empty or has characters other than URL characters"
}

# The base64 body of the first certificate in a PEM file, on one line.
pem_body() {
    local body
    body=$(openssl x509 -in "$1" -outform DER 2> /dev/null | base64 -w0) || return 1
    [ -n "$body" ] || return 1
    printf '%s' "$body"
}

# The base64 body of a PEM private key (PKCS#8), on one line.
key_body() {
    openssl pkey -in "$1" -outform DER 2> /dev/null | base64 -w0
}

# ensure_key_pair DIR NAME CN: creates DIR/NAME.key (PKCS#8, mode 600) and DIR/NAME.crt
# (self-signed, 10 years) unless both exist. The keys never leave the cache.
ensure_key_pair() {
    local dir=$1 name=$2 cn=$3
    if [ -s "$dir/$name.key" ] && [ -s "$dir/$name.crt" ]; then
        return 0
    fi
    mkdir -p "$dir"
    note "generating key pair $dir/$name.{key,crt}"
    (
        umask 077
        openssl req -x509 -newkey rsa:2048 -sha256 -nodes -days 3650 -subj "/CN=$cn" \
            -keyout "$dir/$name.key.tmp" -out "$dir/$name.crt.tmp" 2> /dev/null
    ) || die "openssl could not generate $dir/$name.key"
    mv "$dir/$name.key.tmp" "$dir/$name.key"
    mv "$dir/$name.crt.tmp" "$dir/$name.crt"
    chmod 644 "$dir/$name.crt"
}

# A random secret for things nobody types (admin passwords, salts), kept in a file (mode 600).
ensure_secret() {
    local file=$1
    if [ ! -s "$file" ]; then
        mkdir -p "$(dirname "$file")"
        (umask 077 && openssl rand -hex 20 > "$file")
    fi
    cat "$file"
}

# render_template SRC DST NAME=VALUE...: copies SRC to DST replacing each @NAME@ by VALUE,
# and fails when a placeholder is left over. DST gets mode 600 (it may hold a private key).
render_template() {
    local src=$1 dst=$2 text pair name
    shift 2
    text=$(< "$src")
    for pair in "$@"; do
        name=${pair%%=*}
        # Quoted replacement: '&' in a value stays literal (bash 5.2 patsub_replacement).
        text=${text//"@$name@"/"${pair#*=}"}
    done
    if [[ "$text" =~ @[A-Z][A-Z0-9_]*@ ]]; then
        die "template $src: placeholder ${BASH_REMATCH[0]} has no value"
    fi
    (umask 077 && printf '%s\n' "$text" > "$dst")
}

# --- ports --------------------------------------------------------------------------------------

port_in_use() {
    (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null
}

# choose_port ENV_VALUE: the port given, checked to be free, or a free one picked at random.
choose_port() {
    local wanted=$1 port i
    if [ -n "$wanted" ]; then
        [[ "$wanted" =~ ^[0-9]+$ ]] && [ "$wanted" -ge 1 ] && [ "$wanted" -le 65535 ] \
            || die "port [$wanted] is not a port number"
        port_in_use "$wanted" && die "port $wanted on 127.0.0.1 is already in use"
        echo "$wanted"
        return
    fi
    for i in $(seq 1 50); do
        port=$((20000 + RANDOM % 20000))
        if ! port_in_use "$port"; then
            echo "$port"
            return
        fi
    done
    die "found no free port on 127.0.0.1"
}

# --- life cycle ---------------------------------------------------------------------------------

state() {
    cat "$RUN_DIR/$1" 2> /dev/null
}

is_running() {
    local pid
    pid=$(state pid) || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2> /dev/null
}

# start_server LOG COMMAND...: runs COMMAND in a new session with its output in LOG, and
# records the session leader's pid. The leader writes its own pid, so it is right whether
# or not setsid had to fork.
start_server() {
    local log=$1
    shift
    mkdir -p "$RUN_DIR"
    rm -f "$RUN_DIR/pid"
    : > "$log"
    setsid bash -c 'echo $$ > "$0"; exec "$@"' "$RUN_DIR/pid" "$@" >> "$log" 2>&1 < /dev/null &
    local i
    for i in $(seq 1 50); do
        [ -s "$RUN_DIR/pid" ] && return 0
        sleep 0.1
    done
    die "the server did not start (no pid written); log: $log"
}

# Signals the whole process group, waits up to 20 s, then kills it. Idempotent.
stop_server() {
    local pid
    pid=$(state pid || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2> /dev/null; then
        kill -TERM -- "-$pid" 2> /dev/null || kill -TERM "$pid" 2> /dev/null || true
        for _ in $(seq 1 200); do
            kill -0 -- "-$pid" 2> /dev/null || break
            sleep 0.1
        done
        if kill -0 -- "-$pid" 2> /dev/null; then
            note "still running after 20 s; killing process group $pid"
            kill -KILL -- "-$pid" 2> /dev/null || true
        fi
        note "stopped (pid $pid)"
    else
        note "not running"
    fi
    rm -f "$RUN_DIR/pid"
}

# fail_start MESSAGE: prints the server log's tail, stops what was started, exits non-zero.
fail_start() {
    local log
    log=$(state log || true)
    echo "$(basename "$0"): $1" >&2
    if [ -n "$log" ] && [ -f "$log" ]; then
        echo "---- last 60 lines of $log ----" >&2
        tail -n 60 "$log" >&2
        echo "----" >&2
    fi
    stop_server > /dev/null 2>&1 || true
    exit 1
}

# wait_ready URL TIMEOUT_SECONDS: polls URL until it answers 200, while the server lives.
wait_ready() {
    local url=$1 timeout=$2 start=$SECONDS
    while true; do
        if curl -fsS -o /dev/null --max-time 5 "$url" 2> /dev/null; then
            return 0
        fi
        is_running || fail_start "the server exited before it was ready"
        [ $((SECONDS - start)) -lt "$timeout" ] || fail_start "not ready after ${timeout}s ($url)"
        sleep 1
    done
}

# restart_server PORT_VARIABLE: stop, then the calling script's start, on the same port as
# before unless PORT_VARIABLE is set.
restart_server() {
    local previous
    previous=$(state port || true)
    stop_server
    export "$1=${!1:-$previous}"
    start
}

# Prints the status; exit code 0 when running, 3 when not (as LSB init scripts do).
print_status() {
    local name=$1
    if is_running; then
        echo "$name running: pid $(state pid), port $(state port), $(state base-url)"
        echo "metadata: $(state metadata-url)"
        echo "log: $(state log)"
        return 0
    fi
    echo "$name not running"
    return 3
}

print_metadata_url() {
    is_running || die "not running; start it first"
    state metadata-url
}
