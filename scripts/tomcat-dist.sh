#!/usr/bin/env bash
# A stock Apache Tomcat distribution with Portcullis installed the way docs/INSTALL.md tells an
# operator, for the real-world tests. Listens on 127.0.0.1 only.
#
#   scripts/tomcat-dist.sh install   download Tomcat (cached), unpack a fresh CATALINA_BASE, then
#                                    INSTALL.md steps 1-4: the JAR, the SP key pair, the optional
#                                    logging and cache files
#   scripts/tomcat-dist.sh start     INSTALL.md steps 5-6 (the <Valve> elements in server.xml), deploy
#                                    the WARs, step 7 (bin/catalina.sh start), wait until ready
#   scripts/tomcat-dist.sh stop      bin/catalina.sh stop, killed after 20 s; idempotent
#   scripts/tomcat-dist.sh status    exit 0 running, 3 not running
#
# install and start are separate because an IdP may need the SP certificate (written by install,
# $CATALINA_BASE/conf/portcullis-sp.crt) before it can start, and the valve needs the IdP's
# metadata URL (read by start).
#
# Only these steps are not in INSTALL.md, because they are about this test machine and not about
# Portcullis: the download, the ports (the HTTP connector bound to 127.0.0.1 on a free port, a
# free shutdown port), the heap size, and which WARs are deployed.
#
# Environment:
#   PORTCULLIS_TOMCAT_VERSION       11.0.24 (default), 10.1.59 or 9.0.98 (Tomcat 9: javax.servlet, so the Tomcat 9
#                                   JAR and the javax WARs by default)
#   PORTCULLIS_TOMCAT_BASE          the CATALINA_BASE (default .cache/run/tomcat-VERSION); made anew
#                                   by install, and only ever deleted when this script made it
#   PORTCULLIS_TOMCAT_PORT          HTTP port (install; default a free port)
#   PORTCULLIS_TOMCAT_JAVA_HOME     JDK to run Tomcat with (default JAVA_HOME, else java on PATH)
#   PORTCULLIS_TOMCAT_OPTS          (start) more JVM options for Tomcat, after the heap size
#   PORTCULLIS_VALVE_JAR            the drop-in JAR (default valve/target/portcullis-valve-*.jar; for Tomcat 9
#                                   valve-tomcat9/target/portcullis-valve-tomcat9-*.jar)
#   PORTCULLIS_CLUSTER_SERVER       (install) host:port of a Terracotta server: step 4's cluster variant,
#                                   the cluster JAR into lib/ and conf/ehcache-cluster.xml pointing there
#   PORTCULLIS_CLUSTER_JAR          the cluster add-on JAR (default cluster/target/portcullis-cluster-*.jar)
#   PORTCULLIS_PROTOCOL             (install, start) saml (default) or oidc: with oidc, install puts the OIDC
#                                   add-on JAR next to the valve JAR and start configures protocol="oidc"
#                                   instead of idpMetadata and the SP key pair
#   PORTCULLIS_OIDC_JAR             the OIDC add-on JAR (default oidc/target/portcullis-oidc-*.jar)
#   PORTCULLIS_OIDC_ISSUER          (start, required with oidc) oidcIssuer
#   PORTCULLIS_OIDC_CLIENT_ID       (start, required with oidc) oidcClientId
#   PORTCULLIS_OIDC_CLIENT_SECRET   (start, required with oidc) the client secret: written to
#                                   conf/catalina.properties (mode 600) as portcullis.oidcClientSecret, which
#                                   server.xml names as ${portcullis.oidcClientSecret} (INSTALL.md)
#   PORTCULLIS_PRINCIPAL_ATTRIBUTE  (start) principalAttribute (default: none, the valve's default)
#   PORTCULLIS_IDP_METADATA         (start, required with saml) the IdP metadata URL or file
#   PORTCULLIS_EXTERNAL_BASE_URL    (start) externalBaseUrl (default http://localhost:PORT)
#   PORTCULLIS_ROLE_ATTRIBUTES      (start) roleAttributes (default roles)
#   PORTCULLIS_ROLE_MAPPING         (start) roleMapping (default: none), e.g. tomcat-operators=manager-status
#   PORTCULLIS_BEHIND_PROXY         (start) true: add the RemoteIpValve of step 6 (default false)
#   PORTCULLIS_WARS                 (start) CONTEXT=WAR pairs, space separated (default: sample=the
#                                   sample WAR, clash=the clash WAR, from their target folders; their
#                                   -javax.war variants for Tomcat 9)
#   PORTCULLIS_EXPECT_FAILURE       (start) true: wait only until Tomcat has started or exited, and do not
#                                   require /sso/metadata (for tests of what a refused start looks like)
#   PORTCULLIS_TOMCAT_START_TIMEOUT (start) seconds to wait for readiness (default 120)
#   PORTCULLIS_CACHE_DIR            cache folder (default <repo>/.cache)
set -euo pipefail

# shellcheck source=tools/idp-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/tools/idp-common.sh"

VERSION=${PORTCULLIS_TOMCAT_VERSION:-11.0.24}
PROTOCOL=${PORTCULLIS_PROTOCOL:-saml}
case "$PROTOCOL" in
    saml | oidc) ;;
    *) die "PORTCULLIS_PROTOCOL must be saml or oidc, got [$PROTOCOL]" ;;
esac
# SHA-512 of the tar.gz files on Maven Central, pinned here: a changed download fails the check.
case "$VERSION" in
    11.0.24) SHA512=a2fb1bd511735bd3d135b87f628d2b1f71a43aed7c4d7511e770092e571bad6d5ad9e97a580852119770477fd86d7ed156d83d3cee2854bce260725ce48934d0 ;;
    10.1.59) SHA512=992a8e88fc9c0338445f018a1e4a2757c9e71708dba795e2864c9b1613f2b3b9b19c048e787682deae6d6bff9971defc746e31282085d52ef1d32192e09f7a0f ;;
    9.0.98) SHA512=07d87286e8ee84bb291069c596cf36233e56a14e3ecb6d65eea0fa7c7042ce5e75f5db31f210b96b6b25b80b34e626dd26c5a6ed5c052384a8587d62658b5e16 ;;
    *) die "PORTCULLIS_TOMCAT_VERSION must be 11.0.24, 10.1.59 or 9.0.98, got [$VERSION]" ;;
esac
# Tomcat 9 runs javax.servlet webapps and needs the Tomcat 9 JAR (README, INSTALL.md step 1).
if [[ "$VERSION" == 9.* ]]; then
    VALVE_MODULE=valve-tomcat9 WAR_SUFFIX=-javax
else
    VALVE_MODULE=valve WAR_SUFFIX=
fi
TARBALL_URL=https://repo.maven.apache.org/maven2/org/apache/tomcat/tomcat/$VERSION/tomcat-$VERSION.tar.gz
BASE=${PORTCULLIS_TOMCAT_BASE:-$CACHE_DIR/run/tomcat-$VERSION}
MARKER=$BASE/.portcullis-test-base

download() {
    local tarball=$CACHE_DIR/downloads/tomcat-$VERSION.tar.gz actual
    mkdir -p "$CACHE_DIR/downloads"
    if [ ! -s "$tarball" ]; then
        note "downloading Tomcat $VERSION"
        curl -fsSL --retry 3 -o "$tarball.part" "$TARBALL_URL" || die "download failed: $TARBALL_URL"
        mv "$tarball.part" "$tarball"
    fi
    actual=$(sha512sum "$tarball" | cut -d' ' -f1)
    if [ "$actual" != "$SHA512" ]; then
        rm -f "$tarball"
        die "checksum mismatch for $TARBALL_URL (deleted; run again to download it anew)"
    fi
    echo "$tarball"
}

# The JAR module MODULE built (MODULE/target/portcullis-MODULE-*.jar, not its sources or javadoc), unless
# the variable named OVERRIDE names one.
built_jar() { # MODULE OVERRIDE
    local jar=${!2:-}
    if [ -z "$jar" ]; then
        for jar in "$PORTCULLIS_ROOT/$1/target/portcullis-$1-"*.jar; do
            # Skip the classifier JARs beside the drop-in one (valve's -api.jar sorts before it).
            [[ "$(basename "$jar")" == *-sources.jar || "$(basename "$jar")" == *-javadoc.jar \
                || "$(basename "$jar")" == *-api.jar || "$(basename "$jar")" == *-tests.jar ]] || break
        done
    fi
    [ -f "$jar" ] || die "no $1 JAR at [$jar]; build it first (mvn -B install -DskipTests), or set $2"
    echo "$jar"
}

# A value written into an XML attribute of server.xml: refuse anything that would need escaping.
xml_value() {
    local name=$1 value=$2
    [[ -n "$value" && "$value" != *[\"\<\>\&\']* ]] || die "$name [$value] is empty or contains one of \" < > & '"
    printf '%s' "$value"
}

# Replaces exactly one occurrence of a fixed string in a file; fails when it is not there, so a
# changed stock server.xml stops the script instead of leaving a default port in place.
replace_once() {
    local file=$1 from=$2 to=$3 text
    text=$(< "$file")
    [[ "$text" == *"$from"* ]] || die "$file: [$from] not found"
    printf '%s\n' "${text/"$from"/"$to"}" > "$file"
}

install() {
    if [ -e "$BASE" ] && [ ! -e "$MARKER" ] && [ -n "$(ls -A "$BASE" 2> /dev/null)" ]; then
        die "$BASE exists and was not made by this script; choose another PORTCULLIS_TOMCAT_BASE"
    fi
    if is_running; then
        die "Tomcat is running in $BASE; stop it first"
    fi
    command -v curl > /dev/null || die "curl is needed"
    command -v openssl > /dev/null || die "openssl is needed"
    local tarball jar port shutdown_port
    tarball=$(download)
    jar=$(built_jar "$VALVE_MODULE" PORTCULLIS_VALVE_JAR)
    port=$(choose_port "${PORTCULLIS_TOMCAT_PORT:-}")
    shutdown_port=$(choose_port "")
    [ "$shutdown_port" != "$port" ] || shutdown_port=$(choose_port "")

    rm -rf "$BASE"
    mkdir -p "$BASE"
    tar -xzf "$tarball" -C "$BASE" --strip-components=1 || die "cannot unpack $tarball"
    touch "$MARKER"
    echo "$port" > "$BASE/.port"

    # Test machine only: loopback, free ports.
    replace_once "$BASE/conf/server.xml" '<Server port="8005"' "<Server port=\"$shutdown_port\""
    replace_once "$BASE/conf/server.xml" '<Connector port="8080" protocol="HTTP/1.1"' \
        "<Connector address=\"127.0.0.1\" port=\"$port\" protocol=\"HTTP/1.1\""

    # INSTALL.md step 1: the drop-in JAR into lib/.
    cp "$jar" "$BASE/lib/"
    # Step 2: the SP key pair (key readable by the Tomcat user only).
    (
        cd "$BASE"
        umask 077
        openssl req -x509 -newkey rsa:3072 -nodes -days 730 -subj "/CN=localhost" \
            -keyout conf/portcullis-sp.key -out conf/portcullis-sp.crt 2> /dev/null
        chmod 644 conf/portcullis-sp.crt
    ) || die "openssl could not make the SP key pair"
    # Step 3 (optional): Portcullis's own log files.
    cp "$PORTCULLIS_ROOT/conf/log4j2.xml" "$BASE/conf/portcullis-log4j2.xml"
    # Step 4 (optional): cache sizes; the valve reads it through ehcacheConfig (step 5). Or, for several
    # nodes, the cluster JAR next to the valve JAR and the clustered configuration with the server's address.
    if [ -n "${PORTCULLIS_CLUSTER_SERVER:-}" ]; then
        [[ "$PORTCULLIS_CLUSTER_SERVER" =~ ^[A-Za-z0-9.-]+:[0-9]+$ ]] \
            || die "PORTCULLIS_CLUSTER_SERVER must be host:port, got [$PORTCULLIS_CLUSTER_SERVER]"
        cp "$(built_jar cluster PORTCULLIS_CLUSTER_JAR)" "$BASE/lib/"
        grep -q 'terracotta://127.0.0.1:9410/' "$PORTCULLIS_ROOT/conf/ehcache-cluster.xml" \
            || die "conf/ehcache-cluster.xml no longer names terracotta://127.0.0.1:9410/; update this script"
        sed "s#terracotta://127.0.0.1:9410/#terracotta://$PORTCULLIS_CLUSTER_SERVER/#" \
            "$PORTCULLIS_ROOT/conf/ehcache-cluster.xml" > "$BASE/conf/portcullis-ehcache.xml"
    else
        cp "$PORTCULLIS_ROOT/conf/ehcache.xml" "$BASE/conf/portcullis-ehcache.xml"
    fi

    # With OpenID Connect: the add-on JAR next to the valve JAR (INSTALL.md, "OpenID Connect").
    if [ "$PROTOCOL" = oidc ]; then
        cp "$(built_jar oidc PORTCULLIS_OIDC_JAR)" "$BASE/lib/"
    fi

    note "Tomcat $VERSION installed in $BASE (port $port, shutdown port $shutdown_port) with $(cd "$BASE/lib" && echo portcullis-*.jar)"
    echo "CATALINA_BASE=$BASE"
    echo "URL=http://localhost:$port"
    echo "SP_CERT=$BASE/conf/portcullis-sp.crt"
}

# The <Valve> elements of INSTALL.md steps 5 and 6, inserted before </Host>.
configure() {
    local port external identity roles mapping valves
    port=$(< "$BASE/.port")
    external=$(xml_value PORTCULLIS_EXTERNAL_BASE_URL "${PORTCULLIS_EXTERNAL_BASE_URL:-http://localhost:$port}")
    roles=$(xml_value PORTCULLIS_ROLE_ATTRIBUTES "${PORTCULLIS_ROLE_ATTRIBUTES:-roles}")
    if [ "$PROTOCOL" = oidc ]; then
        # INSTALL.md's OpenID Connect variant of step 5: the secret stays out of server.xml, in
        # catalina.properties (which Tomcat turns into system properties before it reads server.xml).
        local secret issuer client_id
        secret=$(xml_value PORTCULLIS_OIDC_CLIENT_SECRET "${PORTCULLIS_OIDC_CLIENT_SECRET:-}")
        issuer=$(xml_value PORTCULLIS_OIDC_ISSUER "${PORTCULLIS_OIDC_ISSUER:-}")
        client_id=$(xml_value PORTCULLIS_OIDC_CLIENT_ID "${PORTCULLIS_OIDC_CLIENT_ID:-}")
        chmod 600 "$BASE/conf/catalina.properties"
        printf '\n# Portcullis: the OpenID Connect client secret, named in server.xml as ${portcullis.oidcClientSecret}\nportcullis.oidcClientSecret=%s\n' \
            "$secret" >> "$BASE/conf/catalina.properties"
        identity="protocol=\"oidc\"
               oidcIssuer=\"$issuer\"
               oidcClientId=\"$client_id\"
               oidcClientSecret=\"\${portcullis.oidcClientSecret}\""
    else
        local metadata
        metadata=$(xml_value PORTCULLIS_IDP_METADATA "${PORTCULLIS_IDP_METADATA:-}")
        identity="idpMetadata=\"$metadata\"
               spPrivateKey=\"\${catalina.base}/conf/portcullis-sp.key\"
               spCertificate=\"\${catalina.base}/conf/portcullis-sp.crt\""
    fi
    if [ -n "${PORTCULLIS_PRINCIPAL_ATTRIBUTE:-}" ]; then
        local principal
        principal=$(xml_value PORTCULLIS_PRINCIPAL_ATTRIBUTE "$PORTCULLIS_PRINCIPAL_ATTRIBUTE")
        identity+="
               principalAttribute=\"$principal\""
    fi
    # Optional (README "Roles from the IdP"): which IdP groups grant Tomcat's administrative roles.
    mapping=""
    if [ -n "${PORTCULLIS_ROLE_MAPPING:-}" ]; then
        mapping="
               roleMapping=\"$(xml_value PORTCULLIS_ROLE_MAPPING "$PORTCULLIS_ROLE_MAPPING")\""
    fi
    valves=""
    if [ "${PORTCULLIS_BEHIND_PROXY:-false}" = true ]; then
        # Step 6: trust X-Forwarded-* from the proxy on 127.0.0.1 only.
        valves+="
        <Valve className=\"org.apache.catalina.valves.RemoteIpValve\"
               internalProxies=\"127\\.0\\.0\\.1\"
               remoteIpHeader=\"X-Forwarded-For\"
               protocolHeader=\"X-Forwarded-Proto\"
               portHeader=\"X-Forwarded-Port\"/>"
    fi
    # Step 5.
    valves+="
        <Valve className=\"dev.portcullis.SsoValve\"
               externalBaseUrl=\"$external\"
               $identity
               ehcacheConfig=\"\${catalina.base}/conf/portcullis-ehcache.xml\"
               roleAttributes=\"$roles\"$mapping/>
"
    replace_once "$BASE/conf/server.xml" '</Host>' "$valves
      </Host>"
    echo "$external" > "$BASE/.external-base-url"
}

deploy() {
    local wars=${PORTCULLIS_WARS:-sample=$PORTCULLIS_ROOT/sample-webapp/target/sample-webapp$WAR_SUFFIX.war clash=$PORTCULLIS_ROOT/clash-webapp/target/clash-webapp$WAR_SUFFIX.war}
    local pair context war
    for pair in $wars; do
        context=${pair%%=*} war=${pair#*=}
        [[ "$context" =~ ^[A-Za-z0-9_-]+$ ]] || die "PORTCULLIS_WARS: [$context] is not a context name"
        [ -f "$war" ] || die "no WAR at [$war]; build it first (mvn -B install -DskipTests)"
        cp "$war" "$BASE/webapps/$context.war"
    done
}

catalina() {
    local java_home=${PORTCULLIS_TOMCAT_JAVA_HOME:-${JAVA_HOME:-}}
    (
        [ -z "$java_home" ] || export JAVA_HOME="$java_home"
        export CATALINA_HOME=$BASE CATALINA_BASE=$BASE CATALINA_PID=$BASE/.pid
        export CATALINA_OPTS="-Xms64m -Xmx512m ${PORTCULLIS_TOMCAT_OPTS:-}"
        "$BASE/bin/catalina.sh" "$@"
    )
}

is_running() {
    local pid
    pid=$(cat "$BASE/.pid" 2> /dev/null) || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2> /dev/null
}

fail_tomcat() {
    echo "$(basename "$0"): $1" >&2
    if [ -f "$BASE/logs/catalina.out" ]; then
        echo "---- last 60 lines of $BASE/logs/catalina.out ----" >&2
        tail -n 60 "$BASE/logs/catalina.out" >&2
        echo "----" >&2
    fi
    stop > /dev/null 2>&1 || true
    exit 1
}

start() {
    [ -e "$MARKER" ] || die "no Tomcat installed in $BASE; run install first"
    is_running && die "Tomcat is already running in $BASE; use stop"
    [ "$PROTOCOL" = oidc ] || [ -n "${PORTCULLIS_IDP_METADATA:-}" ] || die "PORTCULLIS_IDP_METADATA is required"
    if [ ! -e "$BASE/.configured" ]; then
        configure
        deploy
        touch "$BASE/.configured"
    fi
    local port timeout started log
    port=$(< "$BASE/.port")
    timeout=${PORTCULLIS_TOMCAT_START_TIMEOUT:-120}
    log=$BASE/logs/catalina.out
    started=$SECONDS
    # catalina.out grows across starts: only what this start writes counts.
    local offset
    offset=$(stat -c %s "$log" 2> /dev/null || echo 0)
    note "starting Tomcat $VERSION on 127.0.0.1:$port"
    catalina start > /dev/null || fail_tomcat "bin/catalina.sh start failed"
    # Ready when Tomcat says it has started and the valve answers its metadata endpoint; a valve that
    # refused to start leaves the Host stopped, so the endpoint never answers.
    while ! tail -c +"$((offset + 1))" "$log" 2> /dev/null | grep -q "Server startup in"; do
        if ! is_running; then
            if [ "${PORTCULLIS_EXPECT_FAILURE:-false}" = true ]; then
                note "Tomcat exited after $((SECONDS - started)) s, as expected"
                echo "Tomcat $VERSION: exited (log $log)"
                return 0
            fi
            fail_tomcat "Tomcat exited before it was ready"
        fi
        [ $((SECONDS - started)) -lt "$timeout" ] || fail_tomcat "not ready after ${timeout}s"
        sleep 0.5
    done
    if [ "${PORTCULLIS_EXPECT_FAILURE:-false}" = true ]; then
        note "Tomcat started after $((SECONDS - started)) s; not asking for /sso/metadata, as expected"
        echo "Tomcat $VERSION: http://localhost:$port (pid $(cat "$BASE/.pid"), log $log)"
        return 0
    fi
    # The probe presents itself as a browser's request would arrive (Host, and behind the proxy the
    # forwarded protocol and port), so that the valve sees its own externalBaseUrl.
    local external authority probe=()
    external=$(< "$BASE/.external-base-url")
    authority=${external#*://}
    probe=(-H "Host: $authority")
    if [ "${PORTCULLIS_BEHIND_PROXY:-false}" = true ]; then
        probe+=(-H "X-Forwarded-Proto: ${external%%://*}")
        [[ "$authority" != *:* ]] || probe+=(-H "X-Forwarded-Port: ${authority##*:}")
    fi
    # SAML: the SP metadata; OpenID Connect has none, so the health check (200 once the provider's discovery
    # document and keys were read).
    local ready=/sso/metadata
    [ "$PROTOCOL" = saml ] || ready=/sso/health
    curl -fsS -o /dev/null --max-time 10 "${probe[@]}" "http://127.0.0.1:$port$ready" \
        || fail_tomcat "Tomcat started but Portcullis does not serve $ready"
    note "ready after $((SECONDS - started)) s"
    echo "Tomcat $VERSION: http://localhost:$port (pid $(cat "$BASE/.pid"), log $log)"
    if [ "$PROTOCOL" = saml ]; then
        echo "SP metadata: $(< "$BASE/.external-base-url")/sso/metadata"
    else
        echo "OIDC redirect URI: $(< "$BASE/.external-base-url")/sso/callback"
    fi
}

stop() {
    if ! is_running; then
        note "not running"
        rm -f "$BASE/.pid"
        return 0
    fi
    local pid
    pid=$(cat "$BASE/.pid")
    catalina stop 20 -force > /dev/null 2>&1 || true
    if kill -0 "$pid" 2> /dev/null; then
        kill -KILL "$pid" 2> /dev/null || true
    fi
    rm -f "$BASE/.pid"
    note "stopped (pid $pid)"
}

status() {
    if is_running; then
        echo "Tomcat $VERSION running: pid $(cat "$BASE/.pid"), http://localhost:$(cat "$BASE/.port"), base $BASE"
        return 0
    fi
    echo "Tomcat $VERSION not running (base $BASE)"
    return 3
}

main() {
    case "${1:-}" in
        install) install ;;
        start) start ;;
        stop) stop ;;
        status) status ;;
        *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
    esac
}

main "$@"
