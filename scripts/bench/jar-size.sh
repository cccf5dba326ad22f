#!/usr/bin/env bash
# The drop-in JAR's size and what it is made of. Starts the valve (embedded Tomcat on 127.0.0.1) twice with
# -Xlog:class+load, once with built-in defaults and once with the operator's conf/ehcache.xml and
# conf/log4j2.xml, signs in, sends the kinds of request a valve sees (protected with a session, excluded,
# an unauthenticated navigation, a script's request, the SP metadata, a bad ACS post), stops it, then
# breaks the JAR down per bundled library with the share of classes that were loaded.
#   scripts/bench/jar-size.sh OUTDIR [JAR]   -> OUTDIR/jar-breakdown.md
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:?output directory}"; mkdir -p "$out"
jar="${2:-$(ls "$root"/valve/target/portcullis-valve-*.jar | grep -v -e original -e -api.jar | head -1)}"
rm -f "$out/jar-failures.txt"
cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"
. "$root/scripts/bench/lib.sh"

coverage_run() { # name extra-java-args...
  local name="$1"; shift
  local port; port="$(free_port)"
  local log="$out/classload-$name.log" srv="$out/coverage-$name.out"
  java -Xlog:class+load=info:file="$log" "$@" -cp "$cp" dev.portcullis.bench.TomcatHarness serve valve "$port" >"$srv" 2>&1 &
  local pid=$!
  for _ in $(seq 1 120); do grep -q '^ready' "$srv" && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if ! grep -q '^ready' "$srv"; then
    # A finding, not a reason to stop: the JAR cannot run this configuration.
    echo "jar-size.sh: the valve did not start in the $name run:" >&2
    local cause; cause="$( (grep -E '^Caused by: ' "$srv" || grep -E 'Exception|Error' "$srv" || true) | tail -1 | cut -c1-300)"
    echo "$cause" >&2
    echo "coverage_run_failed=$name: $cause" >> "$out/jar-failures.txt"
    kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
    return 0
  fi
  local cookie; cookie="$(sed -n 's/^cookie=//p' "$srv")"
  local u="http://127.0.0.1:$port"
  curl -s -o /dev/null -H "Cookie: $cookie" "$u/app/hello"
  curl -s -o /dev/null "$u/app/public/hello"
  curl -s -o /dev/null -H "Accept: text/html" "$u/app/hello"
  curl -s -o /dev/null -H "X-Requested-With: XMLHttpRequest" "$u/app/hello"
  curl -s -o /dev/null "$u/sso/metadata"
  curl -s -o /dev/null --data "SAMLResponse=bm90IFhNTA%3D%3D&RelayState=x" "$u/sso/acs"
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
}
coverage_run default
coverage_run operator-conf -Dportcullis.bench.ehcacheConfig="$root/conf/ehcache.xml" \
    -Dportcullis.bench.logConfig="$root/conf/log4j2.xml" -Dlogs="$out/logs"

python3 "$root/scripts/bench/jar_breakdown.py" "$jar" "$out"/classload-*.log > "$out/jar-breakdown.md"
if [ -f "$out/jar-failures.txt" ]; then cat "$out/jar-failures.txt" >> "$out/jar-breakdown.md"; fi
cat "$out/jar-breakdown.md" | head -5 >&2
