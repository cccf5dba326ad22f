#!/usr/bin/env bash
# Profiles JMH benchmarks with JFR (CPU samples every 1 ms, TLAB allocations, stacks 256 deep) and prints
# top self frames, inclusive shares and allocation sites per benchmark.
#   scripts/bench/profile.sh OUTDIR [BENCHMARK_REGEX] [CLASSPATH]
# e.g. scripts/bench/profile.sh /tmp/prof 'AcsBenchmark.(portcullis|floor)$'
# CLASSPATH defaults to the benchmarks module's (build it first: mvn -pl benchmarks package -DskipTests).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:?output directory}"; mkdir -p "$out"
regex="${2:-AcsBenchmark.(portcullis|floor)\$}"
cp="${3:-$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")}"
java -cp "$cp" org.openjdk.jmh.Main "$regex" -f 1 -wi 5 -w 1s -i 5 -r 2s \
    -prof "jfr:dir=$out;configName=$root/scripts/bench/cpu-alloc.jfc;stackDepth=256" > "$out/jmh.txt" 2>&1
grep -E "^AcsBenchmark|^Benchmark|^[A-Za-z]+Benchmark" "$out/jmh.txt" || tail -20 "$out/jmh.txt"
for rec in "$out"/*/profile.jfr; do
  name="$(basename "$(dirname "$rec")")"
  jfr print --json --stack-depth 256 --events jdk.ExecutionSample,jdk.ObjectAllocationInNewTLAB,jdk.ObjectAllocationOutsideTLAB \
      "$rec" > "$out/$name.json"
  echo "===== $name"
  python3 "$root/scripts/bench/jfr_profile.py" "$out/$name.json" | tee "$out/$name.profile.txt"
done
