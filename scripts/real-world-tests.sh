#!/usr/bin/env bash
# The real-world suites (module real-world-tests): Portcullis on the stock Tomcat 11.0.24, 10.1.59
# and 9.0.98 distributions, against Keycloak 26.7.3 (as a SAML IdP and as an OpenID Connect provider)
# and SimpleSAMLphp 1.19, with Debian's chromium,
# behind an nginx TLS proxy, and two nodes sharing a Terracotta server. Installs what they need,
# builds, runs them, and stops every server they started, also on failure or Ctrl-C.
#
#   scripts/real-world-tests.sh                  install, build (mvn install -DskipTests), run
#   scripts/real-world-tests.sh --no-build       run against what `mvn install` already built
#   scripts/real-world-tests.sh -- -Dit.test=KeycloakSignInIT    extra arguments go to Maven
#
# Debian packages installed when missing (apt-get, as root or through sudo): chromium,
# chromium-driver, nginx, simplesamlphp, php-cli, php-xml, php-mbstring, openssl, curl, unzip.
# Downloads (Tomcat, Keycloak, the Terracotta kit) are cached under .cache/; servers listen on
# 127.0.0.1 only.
# Exit status: non-zero when anything failed, a server that did not start included.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

PACKAGES=(chromium chromium-driver nginx simplesamlphp php-cli php-xml php-mbstring openssl curl unzip)
TOMCAT_VERSIONS=(11.0.24 10.1.59 9.0.98)

build=1
maven_args=()
while (($#)); do
    case "$1" in
        --no-build) build=0 ;;
        --) shift; maven_args=("$@"); break ;;
        -h | --help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "real-world-tests.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
    esac
    shift
done

say() {
    echo "real-world-tests.sh: $*"
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo > /dev/null 2>&1; then
        sudo "$@"
    else
        echo "real-world-tests.sh: need root for: $* (not root and no sudo)" >&2
        return 1
    fi
}

# Installs the missing packages. Package scripts must not start system services (nginx would
# listen on port 80 of every interface): where no policy-rc.d forbids that already, one is put
# in place for the duration of the install.
install_packages() {
    local missing=() package policy=/usr/sbin/policy-rc.d made_policy=0
    for package in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2> /dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        say "packages present: ${PACKAGES[*]}"
        return 0
    fi
    command -v apt-get > /dev/null || { echo "real-world-tests.sh: missing ${missing[*]} and no apt-get" >&2; return 1; }
    say "installing ${missing[*]}"
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" > /dev/null
        as_root chmod 755 "$policy"
        made_policy=1
    fi
    local status=0
    as_root apt-get update -q || status=$?
    if [ "$status" -eq 0 ]; then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" || status=$?
    fi
    [ "$made_policy" = 0 ] || as_root rm -f "$policy"
    return "$status"
}

# Every server the suites may have started, stopped whatever happened. Each script's stop is
# idempotent and touches only what that script started (its own pid files under .cache/run/).
stop_servers() {
    local version
    scripts/keycloak.sh stop > /dev/null 2>&1 || true
    scripts/simplesamlphp.sh stop > /dev/null 2>&1 || true
    scripts/tls-proxy.sh stop > /dev/null 2>&1 || true
    scripts/terracotta.sh stop > /dev/null 2>&1 || true
    for version in "${TOMCAT_VERSIONS[@]}"; do
        PORTCULLIS_TOMCAT_VERSION=$version scripts/tomcat-dist.sh stop > /dev/null 2>&1 || true
    done
}

started=$(date +%s)
install_packages
trap stop_servers EXIT
trap 'exit 130' INT TERM
stop_servers

if [ "$build" = 1 ]; then
    say "building (mvn install -DskipTests)"
    mvn -B -ntp -Dstyle.color=never install -DskipTests
fi

say "running the real-world suites"
suites_started=$(date +%s)
status=0
mvn -B -ntp -Dstyle.color=never verify -pl real-world-tests -Dportcullis.realWorld=true "${maven_args[@]}" || status=$?
now=$(date +%s)
say "suites took $((now - suites_started)) s, the whole script $((now - started)) s"
if [ "$status" -ne 0 ]; then
    say "FAILED (exit $status); reports in real-world-tests/target/failsafe-reports, screenshots in real-world-tests/target/screenshots, server logs under .cache/run"
fi
exit "$status"
