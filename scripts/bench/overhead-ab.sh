#!/usr/bin/env bash
# The valve of two builds side by side: before/after for a change to the request path. Two embedded
# Tomcat 11 JVMs on 127.0.0.1, each with SsoValve in its Host and signed in once through the real ACS
# (TomcatHarness serve valve), one from this tree's benchmarks build and one from BASE's (another
# checkout, built the same way: mvn package -pl testkit,valve,benchmarks). wrk drives them in
# alternating rounds (the order flips each round), as overhead.sh does, on the same pinned CPUs:
#   throughput  wrk -t1 -c$CONNECTIONS   (requests/s)       latency  wrk -t1 -c1 --latency (median)
# for an authenticated path (/app/hello) and an excluded one (/app/public/hello). Each round gives the
# ratio this/base of requests/s and the difference of server CPU per request; the medians over rounds
# are the result (on a shared machine, load moves between rounds, not between the two halves of one).
#
#   scripts/bench/overhead-ab.sh BASE OUTDIR
# Environment: ROUNDS (10), DURATION (5s), WARMUP (15s), CONNECTIONS (8), SERVER_CPU (0), WRK_CPU (1)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
base="$(cd "${1:?the other checkout (BASE)}" && pwd)"
out="${2:?output directory}"
mkdir -p "$out"
rounds="${ROUNDS:-10}"; duration="${DURATION:-5s}"; warmup="${WARMUP:-15s}"; connections="${CONNECTIONS:-8}"
server_cpu="${SERVER_CPU:-0}"; wrk_cpu="${WRK_CPU:-1}"
classpath() { echo "$1/benchmarks/target/classes:$(cat "$1/benchmarks/target/classpath.txt")"; }

. "$root/scripts/bench/lib.sh"
trap stop_pids EXIT

declare -A port pid cookie
start_server() { # name tree
  local name="$1" log="$out/server-$1.log"
  port[$name]="$(free_port)"
  taskset -c "$server_cpu" java -Xms512m -Xmx512m -XX:+UseG1GC -cp "$(classpath "$2")" \
      dev.portcullis.bench.TomcatHarness serve valve "${port[$name]}" >"$log" 2>&1 &
  pids+=($!); pid[$name]=$!
  for _ in $(seq 1 120); do
    grep -q '^ready' "$log" && { cookie[$name]="$(sed -n 's/^cookie=//p' "$log")"; return 0; }
    kill -0 "${pid[$name]}" 2>/dev/null || { echo "overhead-ab.sh: the $name server died:" >&2; tail -20 "$log" >&2; exit 1; }
    sleep 0.5
  done
  echo "overhead-ab.sh: the $name server did not start" >&2; exit 1
}
start_server this "$root"
start_server base "$base"
ticks_per_s="$(getconf CLK_TCK)"

run_wrk() { # name path conns duration -> prints "rps p50_us cpu_us_per_request"
  local before; before="$(cpu_ticks "${pid[$1]}")"
  taskset -c "$wrk_cpu" wrk -t1 -c"$3" -d"$4" --latency -H "Cookie: ${cookie[$1]}" -H "Accept: text/html" \
      "http://127.0.0.1:${port[$1]}$2" > "$out/wrk.last" 2>&1
  if grep -q "Non-2xx" "$out/wrk.last"; then echo "overhead-ab.sh: non-2xx answers from $1 $2" >&2; cat "$out/wrk.last" >&2; exit 1; fi
  local used=$(( $(cpu_ticks "${pid[$1]}") - before ))
  awk -v ticks="$used" -v hz="$ticks_per_s" '/Requests\/sec/ {rps=$2}
       / requests in / {n=$1}
       $1=="50%" {v=$2; u=v; gsub(/[0-9.]/,"",u); sub(/[a-z]+$/,"",v);
                  f=(u=="us")?1:(u=="ms")?1000:(u=="s")?1000000:0.001; p50=v*f}
       END {printf "%.1f %.1f %.2f\n", rps, p50, (n > 0) ? ticks / hz * 1e6 / n : 0}' "$out/wrk.last"
}

echo "overhead-ab: warm-up $warmup per server and path" >&2
for s in base this; do for path in /app/hello /app/public/hello; do run_wrk "$s" "$path" "$connections" "$warmup" >/dev/null; done; done

results="$out/overhead-ab.tsv"
printf 'round\tserver\tpath\tmode\trps\tp50_us\tcpu_us_per_request\n' > "$results"
for r in $(seq 1 "$rounds"); do
  if (( r % 2 )); then order=(base this); else order=(this base); fi
  for path in /app/hello /app/public/hello; do
    for mode in throughput latency; do
      for s in "${order[@]}"; do
        if [ "$mode" = throughput ]; then c="$connections"; else c=1; fi
        read -r rps p50 cpu < <(run_wrk "$s" "$path" "$c" "$duration")
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$s" "$path" "$mode" "$rps" "$p50" "$cpu" >> "$results"
        echo "overhead-ab: round $r $s $path $mode: $rps req/s, p50 $p50 us, $cpu us CPU/request" >&2
      done
    done
  done
done

python3 - "$results" <<'PY' | tee "$out/overhead-ab.txt"
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter='\t'))
def value(r, server, path, mode, field):
    return next(float(x[field]) for x in rows if x['round'] == r and x['server'] == server and x['path'] == path and x['mode'] == mode)
for path in ('/app/hello', '/app/public/hello'):
    for mode in ('throughput', 'latency'):
        rounds = sorted({x['round'] for x in rows}, key=int)
        ratio = [value(r, 'this', path, mode, 'rps') / value(r, 'base', path, mode, 'rps') for r in rounds]
        cpu = [value(r, 'this', path, mode, 'cpu_us_per_request') - value(r, 'base', path, mode, 'cpu_us_per_request') for r in rounds]
        print('%-18s %-10s this/base requests/s: median %.3f (%s); CPU per request this-base: median %+.2f us'
              % (path, mode, statistics.median(ratio), ' '.join('%.3f' % x for x in ratio), statistics.median(cpu)))
PY
