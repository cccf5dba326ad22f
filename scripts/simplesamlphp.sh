#!/usr/bin/env bash
# SimpleSAMLphp 1.19 (Debian package) as a SAML IdP for Portcullis tests, on 127.0.0.1 only.
#
#   scripts/simplesamlphp.sh start|stop|restart|status|metadata-url
#
# start installs the Debian packages when missing, renders conf/idp/simplesamlphp/ (config.php,
# authsources.php, metadata/*.php) into .cache/run/simplesamlphp/ with the settings below, runs
# PHP's built-in web server on the package's www folder and waits until the IdP metadata is
# served. docs/REAL-IDPS.md has the details.
#
# Environment (all optional):
#   PORTCULLIS_SSP_PORT           HTTP port (default: a free port, printed)
#   PORTCULLIS_SSP_BASE_URL       base of every URL the IdP publishes, its entityID included
#                                 (default http://localhost:PORT/)
#   PORTCULLIS_SP_ENTITY_ID       SP entityID (default http://localhost:8080/sso/metadata)
#   PORTCULLIS_SP_ACS_URL         SP ACS URL (default http://localhost:8080/sso/acs)
#   PORTCULLIS_SP_SLO_URL         SP Single Logout URL, both bindings (default: the ACS URL's
#                                 folder + /slo, e.g. http://localhost:8080/sso/slo); its host is
#                                 also trusted as a ReturnTo of an IdP-initiated logout
#   PORTCULLIS_SP_CERT            PEM certificate the SP signs AuthnRequests with
#                                 (default .cache/sp/sp.crt, generated with its key)
#   PORTCULLIS_IDP_SIGNING        assertion (default) | response | both
#   PORTCULLIS_IDP_NAMEID         username (default) | email
#   PORTCULLIS_IDP_ENCRYPT        true: assertions encrypted with PORTCULLIS_SP_CERT's key (default false)
#   PORTCULLIS_SSP_ASSERTION_LIFETIME  assertion validity in seconds (default 300)
#   PORTCULLIS_SSP_WORKERS        PHP built-in server workers (default 4)
#   PORTCULLIS_IDP_START_TIMEOUT  seconds to wait for readiness (default 30)
#   PORTCULLIS_CACHE_DIR          cache folder (default <repo>/.cache)
set -euo pipefail

# shellcheck source=tools/idp-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/tools/idp-common.sh"

SSP_PACKAGES=(simplesamlphp php-cli php-xml php-mbstring)
SSP_WWW=/usr/share/simplesamlphp/www
SSP_STATE=$CACHE_DIR/simplesamlphp
RUN_DIR=$CACHE_DIR/run/simplesamlphp
TEMPLATES=$PORTCULLIS_ROOT/conf/idp/simplesamlphp

install_simplesamlphp() {
    local missing=() package
    for package in "${SSP_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2> /dev/null | grep -q "install ok installed" \
            || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    command -v apt-get > /dev/null || die "missing packages ${missing[*]} and no apt-get to install them"
    note "installing ${missing[*]}"
    if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"; then
        as_root apt-get update
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" \
            || die "apt-get could not install ${missing[*]}"
    fi
}

start() {
    if is_running; then
        die "already running (pid $(state pid), port $(state port)); use stop or restart"
    fi
    command -v curl > /dev/null || die "curl is needed"
    command -v openssl > /dev/null || die "openssl is needed"
    read_sp_settings
    install_simplesamlphp
    [ -f "$SSP_WWW/saml2/idp/SSOService.php" ] || die "no SimpleSAMLphp web folder at $SSP_WWW"

    local port base_url entity_id lifetime timeout log nameid_format nameid_attribute
    port=$(choose_port "${PORTCULLIS_SSP_PORT:-}")
    base_url=${PORTCULLIS_SSP_BASE_URL:-http://localhost:$port/}
    [[ "$base_url" == */ ]] || base_url=$base_url/
    check_plain_value PORTCULLIS_SSP_BASE_URL "$base_url"
    entity_id=${base_url}saml2/idp/metadata.php
    lifetime=${PORTCULLIS_SSP_ASSERTION_LIFETIME:-300}
    [[ "$lifetime" =~ ^[0-9]+$ ]] || die "PORTCULLIS_SSP_ASSERTION_LIFETIME must be seconds"
    timeout=${PORTCULLIS_IDP_START_TIMEOUT:-30}
    if [ "$NAMEID" = email ]; then
        nameid_format=urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress nameid_attribute=email
    else
        nameid_format=urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified nameid_attribute=uid
    fi
    # Paths go into PHP single-quoted strings.
    [[ "$CACHE_DIR" != *[\'\\]* ]] || die "the cache path must not contain quotes or backslashes"

    ensure_key_pair "$SSP_STATE" idp-signing "Portcullis test SimpleSAMLphp IdP"

    # A fresh run folder each start: no sessions or state from an earlier configuration.
    rm -rf "$RUN_DIR"
    mkdir -p "$RUN_DIR/config" "$RUN_DIR/metadata" "$RUN_DIR/sessions" "$RUN_DIR/tmp" "$RUN_DIR/data"
    local values=(
        BASE_URL="$base_url" RUN_DIR="$RUN_DIR" CERT_DIR="$SSP_STATE"
        SECRET_SALT="$(ensure_secret "$SSP_STATE/secret-salt")"
        ADMIN_PASSWORD="$(ensure_secret "$SSP_STATE/admin-password")"
        IDP_ENTITY_ID="$entity_id" SP_ENTITY_ID="$SP_ENTITY_ID" SP_ACS_URL="$SP_ACS_URL"
        SP_SLO_URL="$SP_SLO_URL" SP_HOST="$SP_HOST" ENCRYPT_ASSERTION="$ENCRYPT_ASSERTION"
        SP_CERT_DATA="$SP_CERT_DATA" SIGN_ASSERTION="$SIGN_ASSERTION" SIGN_RESPONSE="$SIGN_RESPONSE"
        ASSERTION_LIFETIME="$lifetime" NAMEID_FORMAT="$nameid_format" NAMEID_ATTRIBUTE="$nameid_attribute"
    )
    local file
    for file in config.php authsources.php metadata/saml20-idp-hosted.php metadata/saml20-sp-remote.php; do
        case "$file" in
            metadata/*) render_template "$TEMPLATES/$file" "$RUN_DIR/$file" "${values[@]}" ;;
            *) render_template "$TEMPLATES/$file" "$RUN_DIR/config/$file" "${values[@]}" ;;
        esac
    done

    log=$RUN_DIR/simplesamlphp.log
    echo "$port" > "$RUN_DIR/port"
    echo "$log" > "$RUN_DIR/log"
    echo "$base_url" > "$RUN_DIR/base-url"
    echo "$entity_id" > "$RUN_DIR/metadata-url"

    note "starting SimpleSAMLphp $(ssp_version) on 127.0.0.1:$port (signing: ${PORTCULLIS_IDP_SIGNING:-assertion}, NameID: $NAMEID, encrypted: $ENCRYPT_ASSERTION)"
    local started=$SECONDS
    (
        export SIMPLESAMLPHP_CONFIG_DIR=$RUN_DIR/config
        export PHP_CLI_SERVER_WORKERS=${PORTCULLIS_SSP_WORKERS:-4}
        start_server "$log" php -d display_errors=0 -d log_errors=1 -d error_log= \
            -S "127.0.0.1:$port" -t "$SSP_WWW"
    )
    wait_ready "http://127.0.0.1:$port/saml2/idp/metadata.php" "$timeout"
    note "ready after $((SECONDS - started)) s"
    echo "SimpleSAMLphp $(ssp_version): $base_url (pid $(state pid), log $log)"
    echo "IdP metadata: $(state metadata-url)"
}

ssp_version() {
    dpkg-query -W -f='${Version}' simplesamlphp 2> /dev/null || echo "(unknown version)"
}

main() {
    case "${1:-}" in
        start) start ;;
        stop) stop_server ;;
        restart) restart_server PORTCULLIS_SSP_PORT ;;
        status) print_status SimpleSAMLphp ;;
        metadata-url) print_metadata_url ;;
        *) echo "usage: $0 start|stop|restart|status|metadata-url" >&2; exit 2 ;;
    esac
}

main "$@"
