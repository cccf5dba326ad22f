#!/usr/bin/env bash
# Tomcat start-up with vs without the valve: fresh JVMs, alternating, RUNS (7) each; each prints how long
# Tomcat.start() took (for the valve: creating and configuring it too, with IdP metadata from a file, and
# separately how long its class initialisation - its private Log4j context - took). Then the same with a
# dynamic AppCDS archive per kind (-XX:ArchiveClassesAtExit, made by one extra run), which an operator can
# use to cut the class loading that dominates start-up.
#   scripts/bench/startup.sh OUTDIR    -> OUTDIR/startup.tsv
# Environment: RUNS (7), TOMCAT_FLAVOUR (11, or 9: embedded Tomcat 9.0 with the Tomcat 9 JAR)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:?output directory}"; mkdir -p "$out"
runs="${RUNS:-7}"
# The module's JAR rather than target/classes: AppCDS archives only classes from JAR files.
cp="$("$root/scripts/bench/harness-classpath.sh" "${TOMCAT_FLAVOUR:-11}" jar)"
printf 'run\tkind\tms\tclass_init_ms\tcds\n' > "$out/startup.tsv"
one() { # kind cds(0|1) run
  local extra=()
  [ "$2" = 1 ] && extra=(-XX:SharedArchiveFile="$out/startup-$1.jsa" -Xshare:auto)
  local result ms init
  result="$(java -Xms512m -Xmx512m "${extra[@]}" -cp "$cp" dev.portcullis.bench.TomcatHarness startup "$1" 2>/dev/null)"
  ms="$(sed -n 's/^startup_ms=//p' <<<"$result")"; init="$(sed -n 's/^valve_class_init_ms=//p' <<<"$result")"
  [ -n "$ms" ] || { echo "startup.sh: the $1 run printed no time" >&2; exit 1; }
  printf '%s\t%s\t%s\t%s\t%s\n' "$3" "$1" "$ms" "$init" "$2" >> "$out/startup.tsv"
  echo "startup: run $3 $1 cds=$2 ${ms} ms" >&2
}
for r in $(seq 1 "$runs"); do
  if (( r % 2 )); then order=(plain valve); else order=(valve plain); fi
  for kind in "${order[@]}"; do one "$kind" 0 "$r"; done
done
for kind in plain valve; do
  java -Xms512m -Xmx512m -XX:ArchiveClassesAtExit="$out/startup-$kind.jsa" -cp "$cp" \
      dev.portcullis.bench.TomcatHarness startup "$kind" >/dev/null 2>&1
done
for r in $(seq 1 "$runs"); do
  if (( r % 2 )); then order=(plain valve); else order=(valve plain); fi
  for kind in "${order[@]}"; do one "$kind" 1 "$r"; done
done
rm -f "$out"/startup-*.jsa
