#!/usr/bin/env bash
# Where the valve's start-up cost on a stock Tomcat goes: one start of the installation with the valve and
# one without (those scripts/bench/stock-startup.sh made and left under .cache/run: run it first), each with a
# JFR recording (CPU samples every 1 ms, scripts/bench/cpu-alloc.jfc) dumped at "Server startup in" and the
# JVM's class loading log. Prints the sampled CPU per thread and part (startup_profile.py) and the classes
# loaded by where they came from.
#
#   scripts/bench/stock-profile.sh OUTDIR [VERSION (11.0.24)] [WEBAPPS (several)]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:?output directory}"; mkdir -p "$out"; out="$(cd "$out" && pwd)"
version="${2:-11.0.24}" set="${3:-several}"
cache="${PORTCULLIS_CACHE_DIR:-$root/.cache}"

for kind in plain valve; do
  base="$cache/run/bench-tomcat-$version-$set-$kind"
  [ -x "$base/bin/catalina.sh" ] || { echo "stock-profile.sh: no $base; run scripts/bench/stock-startup.sh first" >&2; exit 1; }
  log=$base/logs/catalina.out offset=$(stat -c %s "$base/logs/catalina.out" 2> /dev/null || echo 0)
  rm -f "$out/$kind.jfr" "$out/$kind-classes.txt"
  CATALINA_HOME=$base CATALINA_BASE=$base CATALINA_PID=$base/.pid \
    CATALINA_OPTS="-Xms64m -Xmx512m -XX:StartFlightRecording=name=startup,settings=$root/scripts/bench/cpu-alloc.jfc -Xlog:class+load=info:file=$out/$kind-classes.txt" \
    "$base/bin/catalina.sh" start > /dev/null
  waited=0
  until tail -c +"$((offset + 1))" "$log" 2> /dev/null | grep -q "Server startup in"; do
    sleep 0.2; waited=$((waited + 1))
    [ "$waited" -lt 600 ] || { echo "stock-profile.sh: $kind did not start within 120 s; see $log" >&2; break; }
  done
  jcmd "$(< "$base/.pid")" JFR.dump name=startup filename="$out/$kind.jfr" > /dev/null
  CATALINA_HOME=$base CATALINA_BASE=$base CATALINA_PID=$base/.pid "$base/bin/catalina.sh" stop 20 -force > /dev/null 2>&1 || true
  rm -f "$base/.pid"
  echo "== $kind: $(tail -c +"$((offset + 1))" "$log" | grep -o 'Server startup in \[[^]]*\]') (load $(cut -d' ' -f1 /proc/loadavg))"
  jfr print --json --events jdk.ExecutionSample "$out/$kind.jfr" > "$out/$kind.json"
  python3 "$root/scripts/bench/startup_profile.py" "$out/$kind.json" | tee "$out/$kind-profile.txt"
done

echo "== classes loaded, by where they came from (valve run minus plain run)"
python3 - "$out/plain-classes.txt" "$out/valve-classes.txt" <<'EOF' | tee "$out/classes.txt"
import collections, re, sys

def origin(line):
    m = re.search(r"\] (\S+) source: (.*)$", line)
    if not m:
        return None
    name, source = m.groups()
    if "portcullis-valve" in source:
        for prefix, label in (("dev.portcullis.shaded.logging", "valve JAR: Log4j"), ("dev.portcullis.shaded.ehcache", "valve JAR: Ehcache"),
                              ("dev.portcullis.shaded.jaxb", "valve JAR: JAXB"), ("dev.portcullis.shaded.glassfish", "valve JAR: JAXB"),
                              ("dev.portcullis.shaded.xmlsec", "valve JAR: Santuario"), ("dev.portcullis.shaded.pac4j", "valve JAR: pac4j"),
                              ("dev.portcullis.shaded.", "valve JAR: other libraries"), ("dev.portcullis.", "valve JAR: Portcullis")):
            if name.startswith(prefix):
                return label
    if source.startswith("jrt:/") or "shared objects file" in source:
        return "JDK"
    if "/WEB-INF/" in source:
        return "webapps"
    if "/lib/" in source or "/bin/" in source:
        return "Tomcat"
    return "other (generated, lambdas)"

counts = []
for path in sys.argv[1:]:
    c = collections.Counter(o for o in map(origin, open(path, errors="replace")) if o)
    counts.append(c)
plain, valve = counts
print(f"{'':40s} {'plain':>7s} {'valve':>7s} {'added':>7s}")
for key in sorted(set(plain) | set(valve), key=lambda k: -(valve[k] - plain[k])):
    print(f"{key:40s} {plain[key]:7d} {valve[key]:7d} {valve[key] - plain[key]:+7d}")
print(f"{'all':40s} {sum(plain.values()):7d} {sum(valve.values()):7d} {sum(valve.values()) - sum(plain.values()):+7d}")
EOF
