#!/usr/bin/env bash
# Where an authenticated request's time goes inside the valve: the valve's Tomcat (as in overhead.sh) under
# wrk with a JFR recording (CPU every 1 ms, allocations), then the samples of the request threads split
# into the valve's own work (in SsoValve.invoke but not yet in StandardHostValve.invoke, i.e. before the
# webapp) and the rest.
#   scripts/bench/profile-requests.sh OUTDIR [PATH]     (PATH default /app/hello)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:?output directory}"; mkdir -p "$out"; path="${2:-/app/hello}"
cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
taskset -c 0 java -Xms512m -Xmx512m -XX:+UseG1GC -cp "$cp" dev.portcullis.bench.TomcatHarness serve valve "$port" \
    > "$out/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do grep -q '^ready' "$out/server.log" && break; sleep 0.5; done
cookie="$(sed -n 's/^cookie=//p' "$out/server.log")"
taskset -c 1 wrk -t1 -c8 -d15s -H "Cookie: $cookie" -H "Accept: text/html" "http://127.0.0.1:$port$path" > /dev/null
jcmd "$pid" JFR.start name=requests settings="$root/scripts/bench/cpu-alloc.jfc" > /dev/null
taskset -c 1 wrk -t1 -c8 -d20s -H "Cookie: $cookie" -H "Accept: text/html" "http://127.0.0.1:$port$path" | tee "$out/wrk.txt"
jcmd "$pid" JFR.stop name=requests filename="$out/requests.jfr" > /dev/null
jfr print --json --stack-depth 256 --events jdk.ExecutionSample,jdk.ObjectAllocationInNewTLAB,jdk.ObjectAllocationOutsideTLAB \
    "$out/requests.jfr" > "$out/requests.json"
echo "===== all samples of request processing (CoyoteAdapter.service)"
python3 "$root/scripts/bench/jfr_profile.py" "$out/requests.json" CoyoteAdapter.service > "$out/all.txt"; head -8 "$out/all.txt"
echo "===== the valve's own work (SsoValve.invoke, not in StandardHostValve.invoke)"
python3 "$root/scripts/bench/jfr_profile.py" "$out/requests.json" SsoValve.invoke StandardHostValve.invoke | tee "$out/valve.txt"
