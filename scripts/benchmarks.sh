#!/usr/bin/env bash
# Every Portcullis benchmark in one go, then a short table (docs/PERFORMANCE.md explains each figure):
#   1. ACS validation (JMH, -prof gc): Portcullis vs the parse+verify floor, 1 and 2 threads, with the
#      OpenSAML 3.4.6 and java-saml 2.9.0 baselines, in one JMH run;
#   2. request overhead: two embedded Tomcats with/without the valve, wrk in alternating rounds, chart;
#   3. memory: heap per cached session, a flood of 1,000,000 pending logins;
#   4. Tomcat start-up with/without the valve: embedded, and the stock distributions as an operator installs
#      them (scripts/tomcat-dist.sh; needs the valve JAR and the WARs built); what the drop-in JAR is made of;
#   5. anonymous floods: what an anonymous navigation costs the server (before issue 10, RSA-3072, ECDSA,
#      unsigned, rate-limited) and signed-in users' median latency with and without a bounded flood.
#   6. the clustered configuration beside the heap one: CPU and latency of signed-in requests, sign-ins/s,
#      with a Terracotta server the script starts itself (scripts/bench/cluster.sh).
# Takes about 50 minutes on 2 cores. Results go to benchmarks/target/results/<time>/ (and .../latest);
# the chart also to docs/performance-overhead.png.
#
#   scripts/benchmarks.sh                     everything
#   scripts/benchmarks.sh --quick             short runs, to check the machinery (figures meaningless)
#   scripts/benchmarks.sh --only acs,memory   a subset: acs, overhead, memory, startup, stock, jar, flood, cluster
#   scripts/benchmarks.sh --build-valve       first rebuild and install testkit, the valve JARs and cluster from this tree
#   scripts/benchmarks.sh --tomcat 11,9       request overhead and start-up on embedded Tomcat 11 (main JAR) and
#                                             Tomcat 9.0 (Tomcat 9 JAR), one after the other; Tomcat 9's figures go to
#                                             <results>/tomcat9/ (default: 11 only)
#   scripts/benchmarks.sh --results DIR       add to (or redo parts of) an earlier results directory
#   scripts/benchmarks.sh --jmh-args '...'    extra JMH options (e.g. '-prof jfr')
#   scripts/benchmarks.sh --quiet-load 1.5    before each measurement, wait (up to $QUIET_MAX s, 600) until the 1-minute
#                                             load average is below 1.5: on a shared machine, others' builds
#                                             otherwise land in the middle of a measurement
# Needs: JDK 17+, Maven, wrk, gnuplot (Debian: apt-get install wrk gnuplot-nox), python3, taskset, curl.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

quick=0; only="acs,overhead,memory,startup,stock,jar,flood,cluster"; build_valve=0; jmh_extra=""; quiet_load=""; results=""; flavours="11"
while (($#)); do
  case "$1" in
    --quick) quick=1 ;;
    --only) only="$2"; shift ;;
    --build-valve) build_valve=1 ;;
    --jmh-args) jmh_extra="$2"; shift ;;
    --quiet-load) quiet_load="$2"; shift ;;
    --results) results="$2"; shift ;;
    --tomcat) flavours="$2"; shift ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    *) echo "benchmarks.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
wants() { [[ ",$only," == *",$1,"* ]]; }
# Waits until the machine is quiet (see --quiet-load); records how long it waited and the load it got.
await_quiet() {
  [ -n "$quiet_load" ] || return 0
  local waited=0
  while awk -v max="$quiet_load" '{exit !($1 >= max)}' /proc/loadavg && [ "$waited" -lt "${QUIET_MAX:-600}" ]; do
    sleep 10; waited=$((waited + 10))
  done
  echo "quiet_wait $1: ${waited}s, load $(cut -d' ' -f1 /proc/loadavg)" >> "$out/environment.txt"
}
for tool in java mvn python3 taskset curl; do
  command -v "$tool" >/dev/null || { echo "benchmarks.sh: '$tool' is not installed" >&2; exit 1; }
done
if wants flood; then
  command -v wrk >/dev/null || { echo "benchmarks.sh: 'wrk' is missing (apt-get install wrk)" >&2; exit 1; }
fi
if wants overhead || wants cluster; then
  for tool in wrk gnuplot; do
    command -v "$tool" >/dev/null || { echo "benchmarks.sh: '$tool' is missing (apt-get install wrk gnuplot-nox)" >&2; exit 1; }
  done
fi

if [ "$build_valve" = 1 ]; then
  echo "== building testkit and the valve JARs" >&2
  mvn -B -q -ntp install -pl testkit,tomcat9-build,valve,cluster,valve-tomcat9 -DskipTests
fi
echo "== building the benchmarks module" >&2
mvn -B -q -ntp package -pl benchmarks -DskipTests

if [ -n "$results" ]; then
  out="$(cd "$results" && pwd)"
else
  out="$root/benchmarks/target/results/$(date -u +%Y%m%dT%H%M%SZ)"
  mkdir -p "$out"
  ln -sfn "$out" "$root/benchmarks/target/results/latest"
fi
cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"
{
  [ -n "$results" ] && echo "continued=$(date -u +%Y-%m-%dT%H:%M:%SZ) parts=$only"
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit=$(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1) x $(nproc)"
  echo "memory=$(awk '/MemTotal/ {printf "%.0f GB", $2/1024/1024}' /proc/meminfo)"
  echo "kernel=$(uname -r)"
  echo "java=$(java -version 2>&1 | head -2 | tr '\n' ' ')"
  echo "wrk=$(wrk --version 2>&1 | head -1 || true)"
  echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
} >> "$out/environment.txt"
cat "$out/environment.txt" >&2

if wants acs; then
  # Rounds of short JMH runs rather than one long one: on a shared machine the load changes by the
  # minute, so each ratio is taken between benchmarks of the same JMH run, seconds apart, and the
  # table quotes the median over rounds. Group A: Portcullis and the floor, 1 and 2 threads. Group B:
  # the floor again with the baselines.
  echo "== 1. ACS validation (JMH, $([ "$quick" = 1 ] && echo 1 || echo "${ACS_ROUNDS:-3}") rounds)" >&2
  if [ "$quick" = 1 ]; then rounds=1; jmh_opts=(-f 1 -i 2 -r 1s); warm_default=(-wi 2 -w 1s)
  else rounds="${ACS_ROUNDS:-3}"; jmh_opts=(-f 1 -i 5 -r 2s); warm_default=(-wi 5 -w 1s); fi
  for r in $(seq 1 "$rounds"); do
    for group in A B; do
      await_quiet "acs-$group-$r"
      warm=("${warm_default[@]}")
      if [ "$group" = A ]; then regex='AcsBenchmark\.(floor|floor2Threads|pairCpuTime|portcullis|portcullis2Threads)$'
        # A 2-thread fork's JIT competes with both benchmark threads for the 2 cores: warm longer.
        [ "$quick" = 1 ] || warm=(-wi 8 -w 2s)
      else regex='AcsBenchmark\.(floor|floorEagerDom|openSaml3|oneLoginNoXsd|oneLoginXsd|replayInsertAndRemove)$'; fi
      # shellcheck disable=SC2086
      java -cp "$cp" org.openjdk.jmh.Main "$regex" "${jmh_opts[@]}" "${warm[@]}" -prof gc -rf json -rff "$out/jmh-$group-$r.json" \
          $jmh_extra > "$out/jmh-$group-$r.txt" 2>&1 || { tail -30 "$out/jmh-$group-$r.txt" >&2; exit 1; }
      echo "round $r group $group: $(grep -E '^AcsBenchmark\.[A-Za-z0-9]+ ' "$out/jmh-$group-$r.txt" \
          | awk '{printf "%s %.0f  ", substr($1, 14), $4}')" >&2
    done
  done
fi

if wants memory; then
  echo "== 3. memory" >&2
  await_quiet memory
  if [ "$quick" = 1 ]; then n_sessions=5000; n_flood=200000; else n_sessions=40000; n_flood=1000000; fi
  java -Xms2g -Xmx2g -cp "$cp" dev.portcullis.bench.MemoryHarness sessions "$n_sessions" 2>/dev/null > "$out/memory-sessions.txt"
  java -Xms1g -Xmx1g -cp "$cp" dev.portcullis.bench.MemoryHarness flood "$n_flood" 2>/dev/null > "$out/memory-flood.txt"
  grep -v '^jol|' "$out/memory-sessions.txt" >&2; tail -14 "$out/memory-flood.txt" >&2
fi

# Tomcat 11's figures in the results folder itself, Tomcat 9's in its tomcat9/ subfolder.
flavour_out() { if [ "$1" = 11 ]; then echo "$out"; else mkdir -p "$out/tomcat$1"; echo "$out/tomcat$1"; fi; }

if wants overhead; then
  if [ "$quick" = 1 ]; then export ROUNDS=1 DURATION=2s WARMUP=3s; fi
  for flavour in ${flavours//,/ }; do
    echo "== 2. request overhead (wrk), Tomcat $flavour" >&2
    await_quiet "overhead-tomcat$flavour"
    TOMCAT_FLAVOUR="$flavour" scripts/bench/overhead.sh "$(flavour_out "$flavour")"
  done
fi

if wants flood; then
  echo "== 5. anonymous floods (wrk)" >&2
  await_quiet flood
  if [ "$quick" = 1 ]; then export ROUNDS=1 COST_DURATION=2s QUIET=2s FLOOD_DURATION=4s WARMUP=2s; fi
  scripts/bench/flood.sh "$out"
fi

if wants startup; then
  if [ "$quick" = 1 ]; then export RUNS=2; fi
  for flavour in ${flavours//,/ }; do
    echo "== 4a. start-up, Tomcat $flavour" >&2
    await_quiet "startup-tomcat$flavour"
    TOMCAT_FLAVOUR="$flavour" scripts/bench/startup.sh "$(flavour_out "$flavour")"
  done
fi

if wants stock; then
  echo "== 4b. start-up of the stock distributions" >&2
  await_quiet stock
  if [ "$quick" = 1 ]; then export RUNS=1; fi
  scripts/bench/stock-startup.sh "$out"
fi

if wants jar; then
  echo "== 4c. drop-in JAR" >&2
  scripts/bench/jar-size.sh "$out"
fi

if wants cluster; then
  echo "== 5. the cluster beside the heap caches (wrk, sign-ins, a Terracotta server)" >&2
  await_quiet cluster
  if [ "$quick" = 1 ]; then export ROUNDS=1 DURATION=2s WARMUP=3s; fi
  scripts/bench/cluster.sh "$out"
fi

echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/environment.txt"
echo "== summary ($out)" >&2
python3 scripts/bench/summarize.py "$out"
for flavour in ${flavours//,/ }; do
  if [ "$flavour" != 11 ]; then
    echo "== summary, Tomcat $flavour ($out/tomcat$flavour)" >&2
    python3 scripts/bench/summarize.py "$out/tomcat$flavour"
  fi
done
if wants overhead && [ -s "$out/chart.dat" ]; then
  gnuplot -e "data='$out/chart.dat'; output='$out/performance-overhead.png'" scripts/bench/chart.gp
  if [ "$quick" = 0 ]; then cp "$out/performance-overhead.png" docs/performance-overhead.png; fi
  echo "chart: $out/performance-overhead.png" >&2
fi
