#!/usr/bin/env bash
# What an operator pays at start-up: the stock Tomcat distributions installed by scripts/tomcat-dist.sh
# (docs/INSTALL.md steps 1-7, IdP metadata from a file), started with and without the valve.
#
# For each Tomcat version and each set of webapps, one CATALINA_BASE is installed and started once by
# tomcat-dist.sh (which checks that the valve serves its metadata); a copy of it without the valve JAR and
# without the <Valve> element is the baseline. Both then start alternately, fresh JVMs through
# bin/catalina.sh, RUNS pairs (the first start of each is a discarded warm-up: it expands the WARs, as
# only an operator's very first start does). Each start records Tomcat's own figures from catalina.out:
# "Server initialization in" (server.xml read: the valve is created there), "Server startup in", each
# webapp's "Deployment of web application ... has finished in", the time from "Starting Servlet engine" to
# the first "Deploying" (host-start: the valve starts there, on Tomcat's thread); and the 1-minute load average.
#
#   scripts/bench/stock-startup.sh OUTDIR    -> OUTDIR/stock-startup.tsv (one line per start and figure)
#
# Environment: RUNS (pairs, default 9); STOCK_VERSIONS (default the versions below);
# STOCK_WEBAPP_SETS (default "one several": the sample webapp alone, or Tomcat's stock webapps - ROOT,
# docs, examples, host-manager, manager - with the sample and clash webapps); STOCK_JAVA_OPTS (extra
# JVM options for every kind); STOCK_BEFORE_JAR (a valve JAR, e.g. of an earlier commit: a third kind,
# "before", the valve installation with that JAR instead, in the same rounds; STOCK_BEFORE_JAR_TOMCAT9 the same
# for Tomcat 9, with a Tomcat 9 JAR); STOCK_BUILTIN_CACHES=1 (another
# kind, "builtin": the valve installation without ehcacheConfig, i.e. without INSTALL.md's optional step 4);
# STOCK_COUNTERS=1 (also
# record class loading counters and CPU time per thread group of each start, see below); STOCK_APPCDS=1 (every
# kind with a dynamic AppCDS archive of its own, as INSTALL.md step 7 makes one: written by the discarded
# warm-up start when its JVM exits, used by every later start); STOCK_CDS_KIND=1 (another kind, "cds": the
# valve installation with such an archive, beside the kinds without one). Needs the valve JAR and the two WARs built
# (mvn install -DskipTests), and the benchmarks module packaged (for the IdP metadata file).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:?output directory}"; mkdir -p "$out"; out="$(cd "$out" && pwd)"
runs="${RUNS:-9}"
# Tomcat 9.0.98 (STOCK_VERSIONS=9.0.98) runs the Tomcat 9 JAR and the javax WARs, as tomcat-dist.sh installs them.
versions=(${STOCK_VERSIONS:-11.0.24 10.1.59})
sets=(${STOCK_WEBAPP_SETS:-one several})
cache="${PORTCULLIS_CACHE_DIR:-$root/.cache}"
tsv="$out/stock-startup.tsv"

cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"
metadata="$out/stock-idp-metadata.xml"
java -cp "$cp" dev.portcullis.bench.TomcatHarness idp-metadata "$metadata"
sample="$root/sample-webapp/target/sample-webapp.war" clash="$root/clash-webapp/target/clash-webapp.war"

[ -s "$tsv" ] || printf 'version\twebapps\trun\tkind\tfigure\tms\tload\n' > "$tsv"

# Appends a start's figures (catalina.out text on stdin) to the TSV: "Server initialization in [1,234] milliseconds",
# "Server startup in [...]", and per webapp "Deployment of web application archive|directory
# [/path/to/webapps/NAME(.war)] has finished in [N] ms".
parse=$(cat <<'EOF'
import datetime, re, sys
version, webapps, run, kind, load, tsv = sys.argv[1:]
text = sys.stdin.read()
rows = []
for figure, pattern in (("initialized", r"Server initiali(?:zation|zed) in \[([\d,.]+)\] milliseconds"),
                        ("startup", r"Server startup in \[([\d,.]+)\] milliseconds")):
    m = re.search(pattern, text)
    if m:
        rows.append((figure, m.group(1)))
# From "Starting Servlet engine" to the first "Deploying" line: the Host's own start, where the valve starts
# (on Tomcat's thread), before any webapp is deployed. From catalina.out's millisecond timestamps.
def stamp(line):
    return datetime.datetime.strptime(line[:24], "%d-%b-%Y %H:%M:%S.%f")
lines = text.splitlines()
engine = next((l for l in lines if "Starting Servlet engine" in l), None)
deploying = next((l for l in lines if re.search(r"HostConfig\.deploy\w+ Deploying ", l)), None)
if engine and deploying:
    try:
        rows.append(("host-start", str(round((stamp(deploying) - stamp(engine)).total_seconds() * 1000))))
    except ValueError:
        pass
for m in re.finditer(r"Deployment of web application (?:archive|directory) \[[^\]]*?/webapps/([^\]/]+?)(?:\.war)?\] has finished in \[([\d,.]+)\] ms", text):
    rows.append(("deploy:" + m.group(1), m.group(2)))
with open(tsv, "a") as f:
    for figure, ms in rows:
        f.write("\t".join((version, webapps, run, kind, figure, ms.replace(",", "").replace(".", ""), load)) + "\n")
EOF
)

# With STOCK_COUNTERS=1, what the running JVM (pid $1) says once started, appended to the TSV like the
# figures above: the JVM's class loading counters (jcmd PerfCounter.print; summed over threads, "self" parts
# without nested loads: classes-loaded is a count, the others ms) and the CPU time of its threads so far
# (/proc; Tomcat's main thread, Portcullis's threads still running, the JIT compilers, the garbage collector, and
# threads that have ended, which the process's own figure still counts).
counters=$(cat <<'EOF'
import os, subprocess, sys
pid, version, webapps, run, kind, load, tsv = sys.argv[1:]
rows = []
text = subprocess.run(["jcmd", pid, "PerfCounter.print"], capture_output=True, text=True, timeout=60).stdout
perf = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
hz = float(perf.get("sun.os.hrt.frequency", "1e9"))
if "java.cls.loadedClasses" in perf:
    rows.append(("classes-loaded", int(perf["java.cls.loadedClasses"])))
for figure, counter in (("cls-time", "sun.cls.time"), ("cls-verify", "sun.cls.classVerifyTime.self"),
                        ("cls-define", "sun.cls.defineAppClassTime.self"), ("cls-load", "sun.cls.appClassLoadTime.self"),
                        ("cls-init", "sun.cls.classInitTime.self"), ("cls-link", "sun.cls.classLinkedTime.self")):
    if counter in perf:
        rows.append((figure, round(int(perf[counter]) / hz * 1000)))
tick = os.sysconf("SC_CLK_TCK")
cpu = {"main": 0, "portcullis": 0, "jit": 0, "gc": 0, "other": 0}
for task in os.listdir(f"/proc/{pid}/task"):
    try:
        stat = open(f"/proc/{pid}/task/{task}/stat").read()
    except OSError:
        continue
    name = stat[stat.index("(") + 1:stat.rindex(")")]
    fields = stat[stat.rindex(")") + 2:].split()
    ms = (int(fields[11]) + int(fields[12])) * 1000 // tick
    # The launcher runs Java's main thread in a native thread it names "java" (as it does the idle primordial one).
    group = ("main" if name in ("main", "java") else "portcullis" if name.startswith("portcullis") else
             "jit" if "Compiler" in name else "gc" if name.startswith(("GC ", "G1 ", "VM Thread")) else "other")
    cpu[group] += ms
# The process's own figure also counts threads that have ended (Portcullis's preparation and start threads).
stat = open(f"/proc/{pid}/stat").read()
fields = stat[stat.rindex(")") + 2:].split()
cpu["exited"] = max(0, (int(fields[11]) + int(fields[12])) * 1000 // tick - sum(cpu.values()))
cpu["total"] = sum(cpu.values())
rows += [("cpu-" + k, v) for k, v in cpu.items()]
with open(tsv, "a") as f:
    for figure, value in rows:
        f.write("\t".join((version, webapps, run, kind, figure, str(value), load)) + "\n")
EOF
)

# bin/catalina.sh with the environment tomcat-dist.sh gives it.
catalina() { # BASE ARGS...
  local base=$1; shift
  CATALINA_HOME=$base CATALINA_BASE=$base CATALINA_PID=$base/.pid \
    CATALINA_OPTS="-Xms64m -Xmx512m ${STOCK_JAVA_OPTS:-} ${cds_opts:-}" "$base/bin/catalina.sh" "$@"
}

# One fresh start of BASE: waits for "Server startup in" (120 s at most), appends its figures, stops.
one() { # VERSION SET RUN KIND BASE
  local base=$5 log=$5/logs/catalina.out offset waited=0 text load
  offset=$(stat -c %s "$log" 2> /dev/null || echo 0)
  cds_opts=
  if [ "${STOCK_APPCDS:-0}" = 1 ] || [ "$4" = cds ]; then
    # INSTALL.md step 7, per installation: the warm-up start writes the archive when its JVM exits, the others use it.
    if [ "$3" = 0 ]; then
      rm -f "$base/work/tomcat.jsa"; cds_opts="-XX:ArchiveClassesAtExit=$base/work/tomcat.jsa"
    else
      cds_opts="-XX:SharedArchiveFile=$base/work/tomcat.jsa"
    fi
  fi
  catalina "$base" start > /dev/null
  until text=$(tail -c +"$((offset + 1))" "$log" 2> /dev/null) && grep -q "Server startup in" <<< "$text"; do
    sleep 0.2; waited=$((waited + 1))
    if [ "$waited" -gt 600 ]; then
      catalina "$base" stop 20 -force > /dev/null 2>&1 || true
      echo "stock-startup.sh: $1 $2 $4 did not start within 120 s; see $log" >&2; exit 1
    fi
  done
  load=$(cut -d' ' -f1 /proc/loadavg)
  # A valve that refused to start leaves its Host stopped: its metadata endpoint then never answers.
  if [ "$4" != plain ] && ! curl -fsS -o /dev/null --max-time 10 "http://127.0.0.1:$(< "$base/.port")/sso/metadata"; then
    catalina "$base" stop 20 -force > /dev/null 2>&1 || true
    echo "stock-startup.sh: the valve did not start in $base; see $log" >&2; exit 1
  fi
  if [ "${STOCK_COUNTERS:-0}" = 1 ] && [ "$3" != 0 ]; then
    python3 -c "$counters" "$(< "$base/.pid")" "$1" "$2" "$3" "$4" "$load" "$tsv"
  fi
  catalina "$base" stop 20 -force > /dev/null 2>&1 || true
  rm -f "$base/.pid"
  if { [ "${STOCK_APPCDS:-0}" = 1 ] || [ "$4" = cds ]; } && [ "$3" = 0 ] && [ ! -s "$base/work/tomcat.jsa" ]; then
    echo "stock-startup.sh: no AppCDS archive written in $base/work; see $log" >&2; exit 1
  fi
  [ "$3" = 0 ] && return 0 # the warm-up
  python3 -c "$parse" "$1" "$2" "$3" "$4" "$load" "$tsv" <<< "$text"
  echo "stock-startup: $1 $2 run $3 $4: $(grep -o 'Server startup in \[[^]]*\]' <<< "$text") (load $load)" >&2
}

for version in "${versions[@]}"; do
  for set in "${sets[@]}"; do
    valve_base="$cache/run/bench-tomcat-$version-$set-valve" plain_base="$cache/run/bench-tomcat-$version-$set-plain"
    # Tomcat 9 (javax.servlet): the javax WARs, and an earlier Tomcat 9 JAR for the "before" kind.
    case "$version" in
      9.*) suffix=-javax before_jar="${STOCK_BEFORE_JAR_TOMCAT9:-}" ;;
      *) suffix="" before_jar="${STOCK_BEFORE_JAR:-}" ;;
    esac
    case "$set" in
      one) wars="sample=${sample%.war}$suffix.war" ;;
      several) wars="sample=${sample%.war}$suffix.war clash=${clash%.war}$suffix.war" ;;
      *) echo "stock-startup.sh: webapp set [$set] is neither one nor several" >&2; exit 2 ;;
    esac
    env=(PORTCULLIS_TOMCAT_VERSION="$version" PORTCULLIS_TOMCAT_BASE="$valve_base" PORTCULLIS_IDP_METADATA="$metadata"
         PORTCULLIS_WARS="$wars")
    env "${env[@]}" "$root/scripts/tomcat-dist.sh" stop > /dev/null 2>&1 || true
    env "${env[@]}" "$root/scripts/tomcat-dist.sh" install > /dev/null
    # "one": only the sample webapp; "several": the distribution's own webapps stay.
    [ "$set" = several ] || rm -rf "$valve_base"/webapps/*
    env "${env[@]}" "$root/scripts/tomcat-dist.sh" start > /dev/null
    env "${env[@]}" "$root/scripts/tomcat-dist.sh" stop > /dev/null
    # The baseline: the same installation without INSTALL.md's step 1 (the JAR) and step 5 (the <Valve>).
    rm -rf "$plain_base"
    cp -a "$valve_base" "$plain_base"
    rm -f "$plain_base"/lib/portcullis-*.jar
    python3 - "$plain_base/conf/server.xml" <<'EOF'
import re, sys
path = sys.argv[1]
text = open(path).read()
text, n = re.subn(r'\s*<Valve className="dev\.portcullis\.SsoValve"[^>]*/>', "", text)
if n != 1:
    sys.exit(f"stock-startup.sh: expected one SsoValve element in {path}, found {n}")
open(path, "w").write(text)
EOF
    kinds=(plain valve)
    if [ "${STOCK_CDS_KIND:-0}" = 1 ]; then
      # The valve installation again, started with an AppCDS archive of its own (INSTALL.md step 7), in the same
      # rounds as the kinds without one.
      cds_base="$cache/run/bench-tomcat-$version-$set-cds"
      rm -rf "$cds_base"
      cp -a "$valve_base" "$cds_base"
      kinds+=(cds)
    fi
    if [ "${STOCK_BUILTIN_CACHES:-0}" = 1 ]; then
      # The same installation without INSTALL.md's optional step 4 (no ehcacheConfig: the built-in heap caches).
      builtin_base="$cache/run/bench-tomcat-$version-$set-builtin"
      rm -rf "$builtin_base"
      cp -a "$valve_base" "$builtin_base"
      python3 - "$builtin_base/conf/server.xml" <<'EOF2'
import re, sys
path = sys.argv[1]
text = open(path).read()
text, n = re.subn(r'\s*ehcacheConfig="[^"]*"', "", text)
if n != 1:
    sys.exit(f"stock-startup.sh: expected one ehcacheConfig attribute in {path}, found {n}")
open(path, "w").write(text)
EOF2
      kinds+=(builtin)
    fi
    if [ -n "$before_jar" ]; then
      # A third installation, the same but for the valve JAR: an earlier build, measured in the same rounds.
      before_base="$cache/run/bench-tomcat-$version-$set-before"
      rm -rf "$before_base"
      cp -a "$valve_base" "$before_base"
      rm -f "$before_base"/lib/portcullis-*.jar
      cp "$before_jar" "$before_base/lib/"
      kinds+=(before)
    fi
    for r in $(seq 0 "$runs"); do
      # Each round starts with a different kind, so none always follows the same one.
      for i in "${!kinds[@]}"; do
        kind=${kinds[$(( (i + r) % ${#kinds[@]} ))]}
        case "$kind" in
          plain) one "$version" "$set" "$r" plain "$plain_base" ;;
          valve) one "$version" "$set" "$r" valve "$valve_base" ;;
          before) one "$version" "$set" "$r" before "$before_base" ;;
          builtin) one "$version" "$set" "$r" builtin "$builtin_base" ;;
          cds) one "$version" "$set" "$r" cds "$cds_base" ;;
        esac
      done
    done
  done
done
