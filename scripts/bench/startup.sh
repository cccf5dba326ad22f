#!/usr/bin/env bash
# Tomcat start-up with vs without the valve: fresh JVMs, alternating, RUNS (7) each; each prints how long
# Tomcat.start() took (for the valve: creating and configuring it too, with IdP metadata from a file).
#   scripts/bench/startup.sh OUTDIR    -> OUTDIR/startup.tsv
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:?output directory}"; mkdir -p "$out"
runs="${RUNS:-7}"
cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"
printf 'run\tkind\tms\n' > "$out/startup.tsv"
for r in $(seq 1 "$runs"); do
  if (( r % 2 )); then order=(plain valve); else order=(valve plain); fi
  for kind in "${order[@]}"; do
    ms="$(java -Xms512m -Xmx512m -cp "$cp" dev.portcullis.bench.TomcatHarness startup "$kind" 2>/dev/null \
          | sed -n 's/^startup_ms=//p')"
    [ -n "$ms" ] || { echo "startup.sh: the $kind run printed no time" >&2; exit 1; }
    printf '%s\t%s\t%s\n' "$r" "$kind" "$ms" >> "$out/startup.tsv"
    echo "startup: run $r $kind ${ms} ms" >&2
  done
done
