#!/usr/bin/env bash
# The clustered configuration beside the heap one, measured side by side in one run: two embedded Tomcat 11
# JVMs on 127.0.0.1 with SsoValve, one with its built-in heap caches ("heap"), one with the shipped
# conf/ehcache-cluster.xml on a Terracotta server this script starts itself ("cluster"; the cluster add-on
# JAR on its class path, as in $CATALINA_BASE/lib). In alternating rounds after a warm-up:
#   signed-in requests  wrk -t1 -c$CONNECTIONS (requests/s) and wrk -t1 -c1 --latency (median) on /app/hello,
#                       every request carrying the server's own session cookie
#   sign-ins            a client JVM running whole sign-ins (navigation, AuthnRequest, a signed Response, the
#                       ACS) in $SIGNIN_THREADS threads for $DURATION
# Server CPU per operation is the CPU time (utime+stime from /proc) the server used during the run divided by
# the operations served; for "cluster" it is the Tomcat JVM plus the Terracotta server, which is part of the
# cost of every clustered request (the tc_cpu column holds the Terracotta share alone). The Tomcat JVMs are
# pinned to CPU $SERVER_CPU, wrk and the sign-in client to $WRK_CPU; the Terracotta server runs on any CPU
# unless TC_CPU names one (on 2 cores, pinned beside a busy Tomcat it is starved into 5 s timeouts). Answers
# that are not 2xx (a session lost to such a timeout) are counted in the errors column, not hidden.
#
#   scripts/bench/cluster.sh OUTDIR     (called by scripts/benchmarks.sh --only cluster, which builds first)
# Environment: ROUNDS (5), DURATION (5s), WARMUP (15s), CONNECTIONS (4), SIGNIN_THREADS (2), SERVER_CPU (0),
# WRK_CPU (1), TC_CPU (unset: any), CLUSTER_CONFIG (the cluster node's ehcache.xml, naming 127.0.0.1:9410;
# default conf/ehcache-cluster.xml)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:?output directory}"
mkdir -p "$out"
rounds="${ROUNDS:-5}"; duration="${DURATION:-5s}"; warmup="${WARMUP:-15s}"; connections="${CONNECTIONS:-4}"
signin_threads="${SIGNIN_THREADS:-2}"; server_cpu="${SERVER_CPU:-0}"; wrk_cpu="${WRK_CPU:-1}"
cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"
cluster_jar="$root/benchmarks/target/cluster-lib/portcullis-cluster.jar"
[ -s "$cluster_jar" ] || { echo "cluster.sh: $cluster_jar is missing (build the benchmarks module)" >&2; exit 1; }
jvm=(java -Xms512m -Xmx512m -XX:+UseG1GC)
seconds() { local d="$1"; echo "${d%s}"; }

. "$root/scripts/bench/lib.sh"
cleanup() {
  stop_pids
  "$root/scripts/terracotta.sh" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

# The Terracotta server, fresh; pinned with all its threads only when TC_CPU says so.
tc_port="$(free_port)"
PORTCULLIS_TERRACOTTA_PORT="$tc_port" "$root/scripts/terracotta.sh" start > "$out/terracotta.txt" 2>&1 \
  || { cat "$out/terracotta.txt" >&2; exit 1; }
tc_group="$(cat "$root/.cache/run/terracotta/pid")"
group_pids() { ps -e -o pid=,pgid= | awk -v g="$1" '$2 == g {print $1}'; }
if [ -n "${TC_CPU:-}" ]; then
  for p in $(group_pids "$tc_group"); do taskset -a -p -c "$TC_CPU" "$p" >/dev/null; done
fi
cluster_config="${CLUSTER_CONFIG:-$root/conf/ehcache-cluster.xml}"
sed "s#127.0.0.1:9410#127.0.0.1:$tc_port#" "$cluster_config" > "$out/cluster-ehcache.xml"
grep -q "127.0.0.1:$tc_port" "$out/cluster-ehcache.xml" || { echo "cluster.sh: $cluster_config names no 127.0.0.1:9410" >&2; exit 1; }

start_server() { # kind port -> waits for "ready"
  local kind="$1" port="$2" log="$out/server-$1.log" extra=()
  if [ "$kind" = cluster ]; then
    extra=(-cp "$cp:$cluster_jar" "-Dportcullis.bench.ehcacheConfig=$out/cluster-ehcache.xml")
  else
    extra=(-cp "$cp")
  fi
  # The sign-in client comes from one address: with the default signInRateLimit (100 per 10 s per address)
  # the sign-ins/s would measure the limit (and count its 429s as errors), not the state store.
  extra+=(-Dportcullis.bench.set.signInRateLimit=off)
  taskset -c "$server_cpu" "${jvm[@]}" "${extra[@]}" dev.portcullis.bench.TomcatHarness serve valve "$port" >"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do
    grep -q '^ready' "$log" && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "cluster.sh: the $kind server died:" >&2; tail -20 "$log" >&2; exit 1; }
    sleep 0.5
  done
  echo "cluster.sh: the $kind server did not start" >&2; exit 1
}
port_heap="$(free_port)"; start_server heap "$port_heap"; pid_heap="${pids[-1]}"
port_cluster="$(free_port)"; start_server cluster "$port_cluster"; pid_cluster="${pids[-1]}"

# CPU ticks (utime+stime) of one process, and of the Terracotta server's whole process group.
tc_ticks() {
  local sum=0 p
  for p in $(group_pids "$tc_group"); do sum=$((sum + $(cpu_ticks "$p" 2>/dev/null || echo 0))); done
  echo "$sum"
}
ticks_per_s="$(getconf CLK_TCK)"
port_of() { if [ "$1" = heap ]; then echo "$port_heap"; else echo "$port_cluster"; fi; }
pid_of() { if [ "$1" = heap ]; then echo "$pid_heap"; else echo "$pid_cluster"; fi; }
cookie_of() { sed -n 's/^cookie=//p' "$out/server-$1.log"; }
for s in heap cluster; do [ -n "$(cookie_of "$s")" ] || { echo "cluster.sh: no session cookie from $s" >&2; exit 1; }; done

# Prints "ops_per_s p50_us cpu_us_per_op tc_cpu_us_per_op errors" for one run; $1 server, $2 kind, $3
# connections or threads, $4 duration. Only successful operations count in ops_per_s.
measure() {
  local s="$1" kind="$2" n="$3" d="$4" port pid before tc_before ops secs p50=0 errors=0
  port="$(port_of "$s")"; pid="$(pid_of "$s")"
  before="$(cpu_ticks "$pid")"; tc_before="$(tc_ticks)"
  if [ "$kind" = signins ]; then
    taskset -c "$wrk_cpu" "${jvm[@]}" -cp "$cp" dev.portcullis.bench.TomcatHarness signins "http://127.0.0.1:$port" \
        "$(sed -n 's/^idpKey=//p' "$out/server-$s.log")" "$(sed -n 's/^idpCert=//p' "$out/server-$s.log")" \
        "$(seconds "$d")" "$n" > "$out/signins.last" 2>&1
    ops="$(sed -n 's/^signins=\([0-9]*\) .*/\1/p' "$out/signins.last")"
    secs="$(sed -n 's/.* seconds=\([0-9.]*\)$/\1/p' "$out/signins.last")"
    errors="$(sed -n 's/.* failures=\([0-9]*\) .*/\1/p' "$out/signins.last")"
    if [ -z "$ops" ] || [ "$ops" = 0 ]; then
      echo "cluster.sh: no sign-in succeeded at $s" >&2; cat "$out/signins.last" >&2; exit 1
    fi
  else
    taskset -c "$wrk_cpu" wrk -t1 -c"$n" -d"$d" --latency -H "Cookie: $(cookie_of "$s")" -H "Accept: text/html" \
        "http://127.0.0.1:$port/app/hello" > "$out/wrk.last" 2>&1
    read -r ops secs p50 errors < <(awk '/ requests in / {n=$1; t=$4; sub(/,$/, "", t); f=(t ~ /ms$/)?0.001:(t ~ /m$/)?60:1; sub(/[a-z]+$/, "", t); s=t*f}
        $1=="50%" {v=$2; u=v; gsub(/[0-9.]/,"",u); sub(/[a-z]+$/,"",v); g=(u=="us")?1:(u=="ms")?1000:(u=="s")?1000000:0.001; p=v*g}
        /Non-2xx/ {e=$NF}
        END {printf "%d %.3f %.1f %d\n", n - e, s, p, e}' "$out/wrk.last")
    if [ "$ops" -le 0 ]; then echo "cluster.sh: no 2xx answer from $s" >&2; cat "$out/wrk.last" >&2; exit 1; fi
  fi
  local used=$(( $(cpu_ticks "$pid") - before )) tc_used=$(( $(tc_ticks) - tc_before ))
  [ "$s" = cluster ] || tc_used=0
  awk -v n="$ops" -v t="$secs" -v p="$p50" -v u="$used" -v c="$tc_used" -v hz="$ticks_per_s" -v e="$errors" \
      'BEGIN {printf "%.1f %.1f %.2f %.2f %d\n", n / t, p, (u + c) / hz * 1e6 / n, c / hz * 1e6 / n, e}'
}

echo "cluster: warm-up $warmup per server" >&2
for s in heap cluster; do
  measure "$s" throughput "$connections" "$warmup" >/dev/null
  measure "$s" signins "$signin_threads" "$warmup" >/dev/null
done

results="$out/cluster.tsv"
printf 'round\tserver\tkind\tops_per_s\tp50_us\tcpu_us_per_op\ttc_cpu_us_per_op\terrors\n' > "$results"
for r in $(seq 1 "$rounds"); do
  if (( r % 2 )); then order=(heap cluster); else order=(cluster heap); fi
  for kind in throughput latency signins; do
    for s in "${order[@]}"; do
      case "$kind" in throughput) n="$connections" ;; latency) n=1 ;; signins) n="$signin_threads" ;; esac
      read -r ops p50 cpu tc errors < <(measure "$s" "$kind" "$n" "$duration")
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$s" "$kind" "$ops" "$p50" "$cpu" "$tc" "$errors" >> "$results"
      echo "cluster: round $r $s $kind: $ops/s, p50 $p50 us, $cpu us CPU/op (Terracotta $tc), $errors errors" >&2
    done
  done
done
