#!/usr/bin/env bash
# The project's test command (README, CI): every unit test (the OIDC add-on's too), the integration tests (embedded Tomcat 11 with
# the shaded valve JAR, the sample WAR and the development IdP) and, when present, the real-world suites
# (stock Tomcat distributions, Keycloak, SimpleSAMLphp, chromium, an nginx TLS proxy).
#
#   scripts/test.sh                  everything
#   scripts/test.sh --no-real-world  only what needs no outside servers (a few minutes)
#   scripts/test.sh -- -Dtest=...    extra arguments after -- go to Maven
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

real_world=1
maven_args=()
while (($#)); do
  case "$1" in
    --no-real-world) real_world=0 ;;
    --) shift; maven_args=("$@"); break ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "test.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "test.sh: '$1' is not installed; $2" >&2; exit 1; }
}
need java "install a JDK 17 or newer (Debian: apt-get install openjdk-17-jdk-headless)"
need mvn "install Apache Maven 3.8 or newer (Debian: apt-get install maven)"
java_major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
if [ "${java_major%%.*}" -lt 17 ] 2>/dev/null; then
  echo "test.sh: Java ${java_major} found; Portcullis needs Java 17 or newer" >&2
  exit 1
fi

started=$(date +%s)
echo "== unit and integration tests (mvn install)"
mvn -B -ntp -Dstyle.color=never install "${maven_args[@]}"

if [ "$real_world" = 1 ] && [ -x scripts/real-world-tests.sh ]; then
  echo "== real-world suites"
  scripts/real-world-tests.sh --no-build
fi
echo "== all tests passed in $(( $(date +%s) - started )) s"
