#!/usr/bin/env bash
# Authenticated request overhead: two embedded Tomcat 11 JVMs on 127.0.0.1 serving the same trivial servlet,
# one with SsoValve in its Host (signed in once through the real ACS; every request carries the session
# cookie), one without. wrk drives each over keep-alive, in alternating rounds after a warm-up:
#   throughput  wrk -t1 -c$CONNECTIONS   (requests/s)
#   latency     wrk -t1 -c1 --latency    (median, one request in flight: the time a request takes)
# for a protected path (/app/hello) and an excluded one (/app/public/hello), and for anonymous navigations
# to the protected path (no cookie, Accept: text/html: the valve starts a sign-in, or answers 429 once the
# client address is over signInRateLimit; Tomcat alone serves the page), then a short run of
# unauthenticated navigations (each makes the valve record a pending login and redirect to the IdP).
# Servers are pinned to CPU $SERVER_CPU and wrk to CPU $WRK_CPU so that they do not trade places.
# Each run also records the server JVM's CPU time (utime+stime from /proc) per request served: on a shared
# machine others take wall-clock time from whichever server is running, but hardly change the CPU a
# request needs, so the ratio of CPU per request is the load-robust form of the throughput ratio.
#
#   scripts/bench/overhead.sh OUTDIR       (called by scripts/benchmarks.sh, which builds the module first)
# Environment: ROUNDS (5), DURATION (5s), WARMUP (15s), CONNECTIONS (8), SERVER_CPU (0), WRK_CPU (1),
# BENCH_JVM_OPTS (extra JVM options, e.g. -Dportcullis.bench.exposeAttributes=true, or
# -Dportcullis.bench.set.signInRateLimit=off to set any valve attribute), PATHS (which paths the rounds
# measure; default all three: /app/hello /app/public/hello anonymous:/app/hello),
# TOMCAT_FLAVOUR (11, or 9: embedded Tomcat 9.0 with the Tomcat 9 JAR; harness-classpath.sh)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:?output directory}"
mkdir -p "$out"
rounds="${ROUNDS:-5}"; duration="${DURATION:-5s}"; warmup="${WARMUP:-15s}"; connections="${CONNECTIONS:-8}"
server_cpu="${SERVER_CPU:-0}"; wrk_cpu="${WRK_CPU:-1}"
cp="$("$root/scripts/bench/harness-classpath.sh" "${TOMCAT_FLAVOUR:-11}" classes)"
# shellcheck disable=SC2206  # BENCH_JVM_OPTS: extra JVM options for both servers, split on spaces on purpose
jvm=(java -Xms512m -Xmx512m -XX:+UseG1GC ${BENCH_JVM_OPTS:-} -cp "$cp")

. "$root/scripts/bench/lib.sh"
trap stop_pids EXIT

start_server() { # kind port -> log file; waits for "ready"
  local kind="$1" port="$2" log="$out/server-$1.log"
  taskset -c "$server_cpu" "${jvm[@]}" dev.portcullis.bench.TomcatHarness serve "$kind" "$port" >"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do
    grep -q '^ready' "$log" && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "overhead.sh: the $kind server died:" >&2; tail -20 "$log" >&2; exit 1; }
    sleep 0.5
  done
  echo "overhead.sh: the $kind server did not start" >&2; exit 1
}

port_valve="$(free_port)"; start_server valve "$port_valve"; pid_valve="${pids[-1]}"
port_plain="$(free_port)"; start_server plain "$port_plain"; pid_plain="${pids[-1]}"
ticks_per_s="$(getconf CLK_TCK)"
cookie="$(sed -n 's/^cookie=//p' "$out/server-valve.log")"
[ -n "$cookie" ] || { echo "overhead.sh: no session cookie" >&2; exit 1; }

# Both servers get byte-for-byte the same requests (the same Cookie header too). A path written
# anonymous:/x is requested without the cookie; the valve then answers 302 (a sign-in starts) or 429
# (over the limit), and the count of 4xx answers is the fourth figure.
run_wrk() { # server path conns duration -> prints "rps p50_us cpu_us_per_request non2xx"
  local port pid; if [ "$1" = valve ]; then port="$port_valve"; pid="$pid_valve"; else port="$port_plain"; pid="$pid_plain"; fi
  local path="$2" headers=(-H "Cookie: $cookie")
  if [[ "$path" == anonymous:* ]]; then path="${path#anonymous:}"; headers=(); fi
  local before; before="$(cpu_ticks "$pid")"
  taskset -c "$wrk_cpu" wrk -t1 -c"$3" -d"$4" --latency "${headers[@]}" -H "Accept: text/html" \
      "http://127.0.0.1:$port$path" > "$out/wrk.last" 2>&1
  if [[ "$2" != anonymous:* ]] && grep -q "Non-2xx" "$out/wrk.last"; then
    echo "overhead.sh: non-2xx answers from $1 $2" >&2; cat "$out/wrk.last" >&2; exit 1
  fi
  local used=$(( $(cpu_ticks "$pid") - before ))
  awk -v ticks="$used" -v hz="$ticks_per_s" '/Requests\/sec/ {rps=$2}
       / requests in / {n=$1}
       /Non-2xx or 3xx responses/ {bad=$NF}
       $1=="50%" {v=$2; u=v; gsub(/[0-9.]/,"",u); sub(/[a-z]+$/,"",v);
                  f=(u=="us")?1:(u=="ms")?1000:(u=="s")?1000000:0.001; p50=v*f}
       END {printf "%.1f %.1f %.2f %d\n", rps, p50, (n > 0) ? ticks / hz * 1e6 / n : 0, bad}' "$out/wrk.last"
}

echo "overhead: warm-up $warmup per server and path" >&2
# shellcheck disable=SC2206  # PATHS: a list on purpose
paths=(${PATHS:-/app/hello /app/public/hello anonymous:/app/hello})
for s in plain valve; do for path in "${paths[@]}"; do run_wrk "$s" "$path" "$connections" "$warmup" >/dev/null; done; done

results="$out/overhead.tsv"
printf 'round\tserver\tpath\tmode\trps\tp50_us\tcpu_us_per_request\tnon2xx\n' > "$results"
for r in $(seq 1 "$rounds"); do
  if (( r % 2 )); then order=(plain valve); else order=(valve plain); fi
  for path in "${paths[@]}"; do
    for mode in throughput latency; do
      for s in "${order[@]}"; do
        if [ "$mode" = throughput ]; then c="$connections"; else c=1; fi
        read -r rps p50 cpu bad < <(run_wrk "$s" "$path" "$c" "$duration")
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$s" "$path" "$mode" "$rps" "$p50" "$cpu" "$bad" >> "$results"
        echo "overhead: round $r $s $path $mode: $rps req/s, p50 $p50 us, $cpu us CPU/request, $bad non-2xx/3xx" >&2
      done
    done
  done
done

# Unauthenticated navigations: each one creates a pending login and answers 302 (not 2xx, so no check).
taskset -c "$wrk_cpu" wrk -t1 -c"$connections" -d"$duration" -H "Accept: text/html" \
    "http://127.0.0.1:$port_valve/app/hello" > "$out/wrk-unauthenticated.txt" 2>&1
awk '/Requests\/sec/ {printf "unauthenticated_navigations_per_s=%.0f\n", $2}' "$out/wrk-unauthenticated.txt" > "$out/overhead-flood.txt"
cat "$out/overhead-flood.txt" >&2
