#!/usr/bin/env bash
# Keycloak as a SAML IdP and an OpenID Connect provider for Portcullis tests, on 127.0.0.1 only.
#
#   scripts/keycloak.sh start|stop|restart|status|metadata-url
#
# start installs Keycloak (Maven Central zip, cached under .cache/), renders
# conf/idp/keycloak/portcullis-realm.json with the settings below, starts `kc.sh start-dev`
# with an in-memory database (so every start imports the realm afresh) and waits until the
# realm's SAML metadata is served. The realm has one SAML client (the settings below) and one
# OpenID Connect client, `portcullis-oidc`, whose issuer is printed as "OIDC issuer:".
# docs/REAL-IDPS.md has the details.
#
# Environment (all optional):
#   PORTCULLIS_KEYCLOAK_PORT      HTTP port (default: a free port, printed)
#   PORTCULLIS_KEYCLOAK_HOSTNAME  KC_HOSTNAME, the base of every URL Keycloak publishes, its
#                                 entityID included (default http://localhost:PORT)
#   PORTCULLIS_SP_ENTITY_ID       SP entityID = Keycloak clientId (default http://localhost:8080/sso/metadata)
#   PORTCULLIS_SP_ACS_URL         SP ACS URL (default http://localhost:8080/sso/acs)
#   PORTCULLIS_SP_SLO_URL         SP Single Logout URL, both bindings (default: the ACS URL's
#                                 folder + /slo, e.g. http://localhost:8080/sso/slo)
#   PORTCULLIS_SP_CERT            PEM certificate the SP signs AuthnRequests with
#                                 (default .cache/sp/sp.crt, generated with its key)
#   PORTCULLIS_IDP_SIGNING        assertion (default) | response | both
#   PORTCULLIS_IDP_NAMEID         username (default) | email
#   PORTCULLIS_IDP_ENCRYPT        true: assertions encrypted with PORTCULLIS_SP_CERT's key (default false)
#   PORTCULLIS_KEYCLOAK_LOGOUT    how Keycloak tells the SP that a session ended: front (default:
#                                 through the browser, POST binding) | back (Keycloak posts the
#                                 LogoutRequest itself; the only way an administrator's "sign out"
#                                 reaches the SP)
#   PORTCULLIS_OIDC_ENDPOINTS     the OIDC client's Portcullis endpoint base: redirect URI <it>/callback,
#                                 back-channel logout <it>/backchannel-logout, post-logout redirect
#                                 <it>/signed-out (default: the ACS URL's folder, e.g. http://localhost:8080/sso)
#   PORTCULLIS_OIDC_CLIENT_SECRET the OIDC client's secret (default: a random one made once and kept in
#                                 <cache>/keycloak/oidc-client-secret, mode 600, printed as a file name only)
#   PORTCULLIS_KEYCLOAK_ASSERTION_LIFESPAN  assertion validity in seconds (default 300)
#   PORTCULLIS_IDP_START_TIMEOUT  seconds to wait for readiness (default 300)
#   PORTCULLIS_KEYCLOAK_JAVA_HOME JDK to run Keycloak with (default: JAVA_HOME or java on PATH)
#   PORTCULLIS_CACHE_DIR          cache folder (default <repo>/.cache)
set -euo pipefail

# shellcheck source=tools/idp-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/tools/idp-common.sh"

KC_VERSION=26.7.3
KC_REALM=portcullis
KC_ZIP_URL=https://repo.maven.apache.org/maven2/org/keycloak/keycloak-quarkus-dist/$KC_VERSION/keycloak-quarkus-dist-$KC_VERSION.zip
KC_HOME=$CACHE_DIR/keycloak/keycloak-$KC_VERSION
KC_STATE=$CACHE_DIR/keycloak
RUN_DIR=$CACHE_DIR/run/keycloak
TEMPLATE=$PORTCULLIS_ROOT/conf/idp/keycloak/portcullis-realm.json

install_keycloak() {
    [ -x "$KC_HOME/bin/kc.sh" ] && return 0
    local zip=$CACHE_DIR/downloads/keycloak-quarkus-dist-$KC_VERSION.zip expected actual tmp
    mkdir -p "$CACHE_DIR/downloads" "$KC_STATE"
    if [ ! -s "$zip" ]; then
        note "downloading Keycloak $KC_VERSION"
        curl -fsSL --retry 3 -o "$zip.part" "$KC_ZIP_URL" || die "download failed: $KC_ZIP_URL"
        expected=$(curl -fsSL --retry 3 "$KC_ZIP_URL.sha1") || die "download failed: $KC_ZIP_URL.sha1"
        actual=$(sha1sum "$zip.part" | cut -d' ' -f1)
        [ "$actual" = "${expected:0:40}" ] || die "checksum mismatch for $zip: $actual, expected $expected"
        mv "$zip.part" "$zip"
    fi
    note "unpacking $zip"
    tmp=$(mktemp -d "$KC_STATE/unpack.XXXXXX")
    unzip -q "$zip" -d "$tmp" || die "cannot unpack $zip"
    mv "$tmp/keycloak-$KC_VERSION" "$KC_HOME"
    rmdir "$tmp"
}

start() {
    if is_running; then
        die "already running (pid $(state pid), port $(state port)); use stop or restart"
    fi
    command -v curl > /dev/null || die "curl is needed"
    command -v openssl > /dev/null || die "openssl is needed"
    command -v unzip > /dev/null || die "unzip is needed"
    read_sp_settings
    install_keycloak

    local port hostname lifespan timeout log java_home frontchannel oidc_endpoints oidc_secret
    port=$(choose_port "${PORTCULLIS_KEYCLOAK_PORT:-}")
    hostname=${PORTCULLIS_KEYCLOAK_HOSTNAME:-http://localhost:$port}
    check_plain_value PORTCULLIS_KEYCLOAK_HOSTNAME "$hostname"
    lifespan=${PORTCULLIS_KEYCLOAK_ASSERTION_LIFESPAN:-300}
    [[ "$lifespan" =~ ^[0-9]+$ ]] || die "PORTCULLIS_KEYCLOAK_ASSERTION_LIFESPAN must be seconds"
    timeout=${PORTCULLIS_IDP_START_TIMEOUT:-300}
    case "${PORTCULLIS_KEYCLOAK_LOGOUT:-front}" in
        front) frontchannel=true ;;
        back) frontchannel=false ;;
        *) die "PORTCULLIS_KEYCLOAK_LOGOUT must be front or back, got [$PORTCULLIS_KEYCLOAK_LOGOUT]" ;;
    esac

    # The IdP's own signing key: made once, kept in the cache, handed to Keycloak as an
    # imported "rsa" key provider so the IdP certificate stays the same across starts.
    oidc_endpoints=${PORTCULLIS_OIDC_ENDPOINTS:-${SP_ACS_URL%/*}}
    check_plain_value PORTCULLIS_OIDC_ENDPOINTS "$oidc_endpoints"
    case "$oidc_endpoints" in
        http://* | https://*) ;;
        *) die "PORTCULLIS_OIDC_ENDPOINTS must be an http(s) URL, got [$oidc_endpoints]" ;;
    esac
    if [ -n "${PORTCULLIS_OIDC_CLIENT_SECRET:-}" ]; then
        oidc_secret=$PORTCULLIS_OIDC_CLIENT_SECRET
        check_plain_value PORTCULLIS_OIDC_CLIENT_SECRET "$oidc_secret"
    else
        oidc_secret=$(ensure_secret "$KC_STATE/oidc-client-secret")
    fi

    ensure_key_pair "$KC_STATE" idp-signing "Portcullis test Keycloak IdP"
    mkdir -p "$KC_HOME/data/import" "$RUN_DIR"
    render_template "$TEMPLATE" "$KC_HOME/data/import/$KC_REALM-realm.json" \
        SP_ENTITY_ID="$SP_ENTITY_ID" SP_ACS_URL="$SP_ACS_URL" SP_SLO_URL="$SP_SLO_URL" \
        SP_CERT_DATA="$SP_CERT_DATA" SIGN_ASSERTION="$SIGN_ASSERTION" SIGN_RESPONSE="$SIGN_RESPONSE" \
        NAMEID="$NAMEID" ENCRYPT_ASSERTION="$ENCRYPT_ASSERTION" FRONTCHANNEL_LOGOUT="$frontchannel" \
        ASSERTION_LIFESPAN="$lifespan" \
        OIDC_ENDPOINTS="$oidc_endpoints" OIDC_CLIENT_SECRET="$oidc_secret" \
        IDP_KEY_DATA="$(key_body "$KC_STATE/idp-signing.key")" \
        IDP_CERT_DATA="$(pem_body "$KC_STATE/idp-signing.crt")"

    log=$RUN_DIR/keycloak.log
    echo "$port" > "$RUN_DIR/port"
    echo "$log" > "$RUN_DIR/log"
    echo "$hostname" > "$RUN_DIR/base-url"
    echo "$hostname/realms/$KC_REALM/protocol/saml/descriptor" > "$RUN_DIR/metadata-url"

    java_home=${PORTCULLIS_KEYCLOAK_JAVA_HOME:-${JAVA_HOME:-}}
    note "starting Keycloak $KC_VERSION on 127.0.0.1:$port (signing: ${PORTCULLIS_IDP_SIGNING:-assertion}, NameID: $NAMEID, encrypted: $ENCRYPT_ASSERTION, logout: ${PORTCULLIS_KEYCLOAK_LOGOUT:-front} channel)"
    local started=$SECONDS
    # The admin user is only for looking around in the console; its password is random.
    (
        [ -z "$java_home" ] || export JAVA_HOME="$java_home"
        export KC_HOSTNAME="$hostname"
        export KC_BOOTSTRAP_ADMIN_USERNAME=admin
        KC_BOOTSTRAP_ADMIN_PASSWORD=$(ensure_secret "$KC_STATE/admin-password")
        export KC_BOOTSTRAP_ADMIN_PASSWORD
        start_server "$log" "$KC_HOME/bin/kc.sh" start-dev \
            --http-host=127.0.0.1 --http-port="$port" --db=dev-mem --import-realm \
            --health-enabled=false --metrics-enabled=false
    )
    wait_ready "http://127.0.0.1:$port/realms/$KC_REALM/protocol/saml/descriptor" "$timeout"
    note "ready after $((SECONDS - started)) s"
    echo "Keycloak $KC_VERSION: $hostname (pid $(state pid), log $log)"
    echo "IdP metadata: $(state metadata-url)"
    echo "OIDC issuer: $hostname/realms/$KC_REALM (client portcullis-oidc, redirect URI $oidc_endpoints/callback)"
    if [ -z "${PORTCULLIS_OIDC_CLIENT_SECRET:-}" ]; then
        echo "OIDC client secret file: $KC_STATE/oidc-client-secret"
    fi
    echo "Admin console: $hostname/admin/ (user admin, password in $KC_STATE/admin-password)"
}

main() {
    case "${1:-}" in
        start) start ;;
        stop) stop_server ;;
        restart) restart_server PORTCULLIS_KEYCLOAK_PORT ;;
        status) print_status Keycloak ;;
        metadata-url) print_metadata_url ;;
        *) echo "usage: $0 start|stop|restart|status|metadata-url" >&2; exit 2 ;;
    esac
}

main "$@"
