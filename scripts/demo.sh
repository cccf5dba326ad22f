#!/usr/bin/env bash
# One-command demo of Portcullis: builds what it needs, then starts the development IdP on
# http://localhost:8081 and Tomcat with the Portcullis valve on http://localhost:8080 in front of the
# sample webapp. Open http://localhost:8080/sample/ and sign in as alice/alice or bob/bob.
#
# Usage: scripts/demo.sh [--oidc] [--port=N] [--idp-port=N]   (from any directory; Ctrl-C stops it)
#   --oidc        OpenID Connect instead of SAML: the development OIDC provider on the IdP port, and the
#                 valve with protocol="oidc" and the portcullis-oidc add-on JAR
#   --port=N      Tomcat with the valve (default 8080)
#   --idp-port=N  the development IdP, or with --oidc the development OIDC provider (default 8081)
#   --help        this text
# Set PORTCULLIS_DEMO_SKIP_BUILD=1 to start what was built last time without building again.
set -euo pipefail

for arg in "$@"; do
  if [[ "${arg}" == "--help" || "${arg}" == "-h" ]]; then
    # The comment block above, less its first line.
    while IFS= read -r line; do
      [[ "${line}" == "#"* ]] || break
      [[ "${line}" == "#!"* ]] || { line="${line#"#"}"; echo "${line# }"; }
    done < "${BASH_SOURCE[0]}"
    exit 0
  fi
done

script="${BASH_SOURCE[0]}"
script_dir="."
if [[ "${script}" == */* ]]; then
  script_dir="${script%/*}"
fi
root="$(cd "${script_dir}/.." && pwd)"

fail() {
  echo "demo.sh: $*" >&2
  exit 1
}

command -v java >/dev/null 2>&1 || fail "java was not found on PATH; install a JDK 17 or newer."
java_version=""
while IFS= read -r line; do
  if [[ "${line}" =~ java\.specification\.version\ =\ ([0-9.]+) ]]; then
    java_version="${BASH_REMATCH[1]}"
  fi
done < <(java -XshowSettings:properties -version 2>&1 || true)
if [[ -z "${java_version}" || "${java_version%%.*}" -lt 17 ]]; then
  fail "Java ${java_version:-of unknown version} found; Portcullis needs Java 17 or newer."
fi

if [[ "${PORTCULLIS_DEMO_SKIP_BUILD:-0}" != "1" ]]; then
  command -v mvn >/dev/null 2>&1 || fail "mvn was not found on PATH; install Maven 3.8 or newer."
  echo "demo.sh: building the valve, the sample webapp and the demo (tests skipped) ..."
  # package, not install: the demo runs from the build folders and nothing lands in ~/.m2.
  (cd "${root}" && mvn -B -q -DskipTests package -pl sample-webapp,demo -am) \
    || fail "the build failed; run 'mvn -B -DskipTests package -pl sample-webapp,demo -am' in ${root} to see why."
fi

[[ -d "${root}/demo/target/lib" && -d "${root}/demo/target/classes" ]] \
  || fail "the demo is not built (no demo/target/lib); run without PORTCULLIS_DEMO_SKIP_BUILD."

exec java -cp "${root}/demo/target/classes:${root}/demo/target/lib/*" dev.portcullis.demo.Demo "$@"
