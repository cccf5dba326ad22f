#!/usr/bin/env bash
# Captures the golden IdP responses in valve/src/test/resources/golden/<idp>-<variant>/ from
# real Keycloak and SimpleSAMLphp servers, with IdpLoginProbe as the SP, and checks on each IdP
# that a wrong password keeps the user on the login page and that an unsigned AuthnRequest is
# refused. Starts and stops the IdPs itself (fixed ports 8180 and 8280, so the IdP entityIDs in
# the golden files stay the same from one capture to the next).
#
#   scripts/tools/capture-golden.sh [keycloak] [simplesamlphp]    (default: both)
set -euo pipefail

# shellcheck source=idp-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/idp-common.sh"

GOLDEN=$PORTCULLIS_ROOT/valve/src/test/resources/golden
export PORTCULLIS_SP_ENTITY_ID=http://localhost:8080/sso/metadata
export PORTCULLIS_SP_ACS_URL=http://localhost:8080/sso/acs
export PORTCULLIS_KEYCLOAK_PORT=8180
export PORTCULLIS_SSP_PORT=8280
unset PORTCULLIS_SP_CERT # the throwaway SP pair in .cache/sp, made by the IdP scripts

probe() {
    java "$PORTCULLIS_ROOT/scripts/tools/IdpLoginProbe.java" login \
        --sp-entity-id "$PORTCULLIS_SP_ENTITY_ID" --acs "$PORTCULLIS_SP_ACS_URL" \
        --sp-key "$CACHE_DIR/sp/sp.key" --sp-cert "$CACHE_DIR/sp/sp.crt" "$@"
}

idp_label() {
    case "$1" in
        keycloak) echo "Keycloak 26.7.3" ;;
        simplesamlphp) echo "SimpleSAMLphp $(dpkg-query -W -f='${Version}' simplesamlphp)" ;;
    esac
}

# capture IDP VARIANT SIGNING NAMEID EXPECTED_NAMEID
capture() {
    local idp=$1 variant=$2 signing=$3 nameid=$4 expected_nameid=$5 metadata
    echo "== $idp $variant (signing: $signing, NameID: $nameid)"
    PORTCULLIS_IDP_SIGNING=$signing PORTCULLIS_IDP_NAMEID=$nameid "$PORTCULLIS_ROOT/scripts/$idp.sh" restart
    metadata=$("$PORTCULLIS_ROOT/scripts/$idp.sh" metadata-url)
    probe --metadata "$metadata" --user alice --password alice --label "$(idp_label "$idp")" \
        --expect-nameid "$expected_nameid" --expect-roles user,admin --expect-signed "$signing" \
        --out "$GOLDEN/$idp-$variant"
    if [ "$variant" = default ]; then
        echo "-- wrong password"
        probe --metadata "$metadata" --user alice --password not-alice --expect wrong-password
        echo "-- unsigned AuthnRequest"
        probe --metadata "$metadata" --user alice --password alice --unsigned --expect refused
    fi
}

idps=("$@")
[ ${#idps[@]} -gt 0 ] || idps=(keycloak simplesamlphp)
for idp in "${idps[@]}"; do
    case "$idp" in
        keycloak | simplesamlphp) ;;
        *) die "unknown IdP $idp (keycloak or simplesamlphp)" ;;
    esac
    trap '"$PORTCULLIS_ROOT/scripts/$idp.sh" stop' EXIT
    capture "$idp" default assertion username alice
    capture "$idp" response-signed response username alice
    capture "$idp" email-nameid assertion email alice@example.com
    "$PORTCULLIS_ROOT/scripts/$idp.sh" stop
    trap - EXIT
done
