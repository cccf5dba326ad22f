#!/usr/bin/env bash
# Anonymous floods and signed-in users (issue 10): what an anonymous navigation to a protected path costs
# the server, and what a bounded anonymous flood does to the latency of signed-in users, for the valve as
# it behaved before issue 10 (every AuthnRequest signed with RSA-2048, no limit) and as it does now, side
# by side in one run. Embedded Tomcat 11 JVMs on 127.0.0.1 (TomcatHarness, one trivial servlet), each
# pinned to CPU $SERVER_CPU; wrk pinned to CPU $WRK_CPU.
#
# 1. Cost, alternating rounds: wrk -t1 -c$CONNECTIONS for $COST_DURATION of anonymous navigations
#    (no cookie, Accept: text/html) to /app/hello; requests/s and the server JVM's CPU time per request
#    (utime+stime from /proc), for:
#      plain         Tomcat alone (serves the page)
#      before        signAuthnRequests=true, signInRateLimit=off, RSA-2048 SP key: issue 10's starting point
#      rsa3072       the same with the RSA-3072 key the README's openssl command makes
#      ec256, ec384  signAuthnRequests=true, signInRateLimit=off, an ECDSA P-256 / P-384 SP key
#      unsigned      signAuthnRequests=auto (the IdP metadata does not ask), signInRateLimit=off
#      after         the defaults: unsigned (as the IdP does not ask) and signInRateLimit=100/10s, so
#                    after the first 100 the flood gets 429s
#      signed-in     for comparison, the same request with the session cookie, on the "after" server
# 2. Signed-in users under a flood, alternating rounds, for plain, before, after and after-rsa (the defaults
#    with an IdP that asks for signed requests: RSA-2048 signatures, limit on): the median latency of a
#    signed-in request (wrk -c1 --latency with the session cookie, $QUIET) without a flood, then again
#    while an anonymous flood runs (wrk -c$CONNECTIONS, stopped after $FLOOD_MAX responses or
#    $FLOOD_DURATION, whichever comes first: scripts/bench/flood.lua). The factor is flood / quiet.
#
#   scripts/bench/flood.sh OUTDIR      (called by scripts/benchmarks.sh --only flood, which builds first)
# Environment: ROUNDS (5), COST_DURATION (5s), QUIET (5s), FLOOD_DURATION (8s), FLOOD_MAX (1000000),
# CONNECTIONS (8), WARMUP (10s), SERVER_CPU (0), WRK_CPU (1)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:?output directory}"
mkdir -p "$out"
rounds="${ROUNDS:-5}"; cost_duration="${COST_DURATION:-5s}"; quiet="${QUIET:-5s}"
flood_duration="${FLOOD_DURATION:-8s}"; export FLOOD_MAX="${FLOOD_MAX:-1000000}"; connections="${CONNECTIONS:-8}"
warmup="${WARMUP:-10s}"; server_cpu="${SERVER_CPU:-0}"; wrk_cpu="${WRK_CPU:-1}"
cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"
lua="$root/scripts/bench/flood.lua"

. "$root/scripts/bench/lib.sh"
trap stop_pids EXIT

# The servers: name -> JVM options ("plain" has no valve).
declare -A options=(
  [plain]=""
  [before]="-Dportcullis.bench.set.signAuthnRequests=true -Dportcullis.bench.set.signInRateLimit=off"
  [rsa3072]="-Dportcullis.bench.spKey=rsa3072 -Dportcullis.bench.set.signAuthnRequests=true -Dportcullis.bench.set.signInRateLimit=off"
  [ec256]="-Dportcullis.bench.spKey=ec256 -Dportcullis.bench.set.signAuthnRequests=true -Dportcullis.bench.set.signInRateLimit=off"
  [ec384]="-Dportcullis.bench.spKey=ec384 -Dportcullis.bench.set.signAuthnRequests=true -Dportcullis.bench.set.signInRateLimit=off"
  [unsigned]="-Dportcullis.bench.set.signInRateLimit=off"
  [after]=""
  [after-rsa]="-Dportcullis.bench.set.signAuthnRequests=true"
)
cost_servers=(plain before rsa3072 ec256 ec384 unsigned after signed-in)
flood_servers=(plain before after after-rsa)
declare -A port pid cookie
for s in plain before rsa3072 ec256 ec384 unsigned after after-rsa; do
  port[$s]="$(free_port)"
  log="$out/flood-server-$s.log"
  kind=valve; [ "$s" = plain ] && kind=plain
  # shellcheck disable=SC2086  # the options are a list on purpose
  taskset -c "$server_cpu" java -Xms256m -Xmx256m -XX:+UseG1GC ${options[$s]} -cp "$cp" \
      dev.portcullis.bench.TomcatHarness serve "$kind" "${port[$s]}" > "$log" 2>&1 &
  pids+=($!); pid[$s]=$!
done
for s in "${!port[@]}"; do
  for _ in $(seq 1 240); do
    grep -q '^ready' "$out/flood-server-$s.log" && break
    kill -0 "${pid[$s]}" 2>/dev/null || { echo "flood.sh: server $s died:" >&2; tail -20 "$out/flood-server-$s.log" >&2; exit 1; }
    sleep 0.5
  done
  grep -q '^ready' "$out/flood-server-$s.log" || { echo "flood.sh: server $s did not start" >&2; exit 1; }
  cookie[$s]="$(sed -n 's/^cookie=//p' "$out/flood-server-$s.log")"
  [ "$s" = plain ] && cookie[$s]="PORTCULLIS=none"
done
hz="$(getconf CLK_TCK)"

anonymous() { # server connections duration [lua] -> wrk output file; "signed-in": the after server, with its cookie
  local file="$out/wrk-anonymous-$1.last" server="$1" headers=()
  if [ "$1" = signed-in ]; then server=after; headers=(-H "Cookie: ${cookie[after]}"); fi
  taskset -c "$wrk_cpu" wrk -t1 -c"$2" -d"$3" ${4:+-s "$4"} "${headers[@]}" -H "Accept: text/html" \
      "http://127.0.0.1:${port[$server]}/app/hello" > "$file" 2>&1
  echo "$file"
}
signed_in() { # server duration -> p50 in us
  taskset -c "$wrk_cpu" wrk -t1 -c1 -d"$2" --latency -H "Cookie: ${cookie[$1]}" -H "Accept: text/html" \
      "http://127.0.0.1:${port[$1]}/app/hello" > "$out/wrk-signed-in-$1.last" 2>&1
  if grep -q "Non-2xx" "$out/wrk-signed-in-$1.last"; then
    echo "flood.sh: the signed-in request to $1 was refused" >&2; cat "$out/wrk-signed-in-$1.last" >&2; exit 1
  fi
  awk '$1=="50%" {v=$2; u=v; gsub(/[0-9.]/,"",u); sub(/[a-z]+$/,"",v);
       f=(u=="us")?1:(u=="ms")?1000:(u=="s")?1000000:0.001; printf "%.1f\n", v*f}' "$out/wrk-signed-in-$1.last"
}

echo "flood: warm-up $warmup per server" >&2
for s in "${!port[@]}"; do anonymous "$s" "$connections" "$warmup" > /dev/null; signed_in "$s" 3s > /dev/null; done

costs="$out/flood-cost.tsv"
printf 'round\tserver\trps\tcpu_us_per_request\tnon2xx_3xx\n' > "$costs"
for r in $(seq 1 "$rounds"); do
  order=("${cost_servers[@]}"); (( r % 2 )) || order=($(printf '%s\n' "${cost_servers[@]}" | tac))
  for s in "${order[@]}"; do
    server="$s"; [ "$s" = signed-in ] && server=after
    before="$(cpu_ticks "${pid[$server]}")"
    file="$(anonymous "$s" "$connections" "$cost_duration")"
    used=$(( $(cpu_ticks "${pid[$server]}") - before ))
    line="$(awk -v ticks="$used" -v hz="$hz" '/Requests\/sec/ {rps=$2} / requests in / {n=$1}
        /Non-2xx or 3xx responses/ {bad=$NF}
        END {printf "%.1f\t%.1f\t%d", rps, (n > 0) ? ticks / hz * 1e6 / n : 0, bad}' "$file")"
    printf '%s\t%s\t%s\n' "$r" "$s" "$line" >> "$costs"
    echo "flood: cost round $r $s: $line" >&2
  done
done

floods="$out/flood-latency.tsv"
printf 'round\tserver\tquiet_p50_us\tflood_p50_us\tflood_responses\tflood_statuses\tflood_rps\n' > "$floods"
for r in $(seq 1 "$rounds"); do
  order=("${flood_servers[@]}"); (( r % 2 )) || order=($(printf '%s\n' "${flood_servers[@]}" | tac))
  for s in "${order[@]}"; do
    quiet_p50="$(signed_in "$s" "$quiet")"
    anonymous "$s" "$connections" "$flood_duration" "$lua" > "$out/flood-path.last" &
    flooder=$!
    sleep 1
    flood_p50="$(signed_in "$s" "$quiet")"
    wait "$flooder"
    file="$out/wrk-anonymous-$s.last"
    responses="$(sed -n 's/^flood_responses=\([0-9]*\).*/\1/p' "$file")"
    statuses="$(sed -n 's/^flood_responses=[0-9]* *//p' "$file" | tr ' ' ',')"
    rps="$(awk '/Requests\/sec/ {print $2}' "$file")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$s" "$quiet_p50" "$flood_p50" "$responses" "$statuses" "$rps" >> "$floods"
    echo "flood: round $r $s: signed-in p50 $quiet_p50 us quiet, $flood_p50 us under a flood of $responses ($statuses, $rps/s)" >&2
  done
done
python3 - "$out" <<'EOF' | tee "$out/flood-summary.md" >&2
import statistics, sys, os
out = sys.argv[1]
def rows(name):
    lines = open(os.path.join(out, name)).read().splitlines()
    head = lines[0].split("\t")
    return [dict(zip(head, l.split("\t"))) for l in lines[1:]]
cost = rows("flood-cost.tsv")
print("| navigation to /app/hello, server | requests/s | server CPU per request | x Tomcat alone |")
print("| --- | ---: | ---: | ---: |")
plain = statistics.median(float(r["cpu_us_per_request"]) for r in cost if r["server"] == "plain")
for s in ["plain", "before", "rsa3072", "ec256", "ec384", "unsigned", "after", "signed-in"]:
    rs = [r for r in cost if r["server"] == s]
    rps = statistics.median(float(r["rps"]) for r in rs)
    cpu = statistics.median(float(r["cpu_us_per_request"]) for r in rs)
    print(f"| {s} | {rps:,.0f} | {cpu:,.1f} us | {cpu / plain:,.1f} |")
print()
fl = rows("flood-latency.tsv")
print("| signed-in users, server | median latency, no flood | under the flood | factor (median of rounds) | flood answers |")
print("| --- | ---: | ---: | ---: | --- |")
for s in ["plain", "before", "after", "after-rsa"]:
    rs = [r for r in fl if r["server"] == s]
    q = statistics.median(float(r["quiet_p50_us"]) for r in rs)
    f = statistics.median(float(r["flood_p50_us"]) for r in rs)
    factor = statistics.median(float(r["flood_p50_us"]) / float(r["quiet_p50_us"]) for r in rs)
    print(f"| {s} | {q:,.0f} us | {f:,.0f} us | {factor:,.1f} x | {rs[-1]['flood_statuses']} (last round) |")
EOF
