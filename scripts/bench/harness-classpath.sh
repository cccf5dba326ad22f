#!/usr/bin/env bash
# The class path of the benchmark harnesses (module benchmarks, built) for one Tomcat flavour:
#   11  the module's classes (or its JAR) and target/classpath.txt: embedded Tomcat 11, the main valve JAR
#   9   the module's javax JAR (made by JavaxTransform, as the Tomcat 9 JAR is) and the same class path with
#       embedded Tomcat 9.0.98 (and its javax.annotation API) and the Tomcat 9 JAR in place of Tomcat 11 and the
#       main JAR
#
#   scripts/bench/harness-classpath.sh 11|9 [classes|jar]     (default classes; Tomcat 9 always uses the JAR)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
target="$root/benchmarks/target"
flavour="${1:?11 or 9}"; form="${2:-classes}"
case "$flavour" in
  11)
    if [ "$form" = jar ]; then
      main="$(ls "$target"/portcullis-benchmarks-*.jar | grep -v -- '-javax\.jar$' | head -1)"
    else
      main="$target/classes"
    fi
    echo "$main:$(cat "$target/classpath.txt")" ;;
  9)
    main="$(ls "$target"/portcullis-benchmarks-*-javax.jar | head -1)"
    tomcat="$(ls "$target"/tomcat9-lib/tomcat-embed-core-9.*.jar | head -1)"
    annotations="$(ls "$target"/tomcat9-lib/tomcat-annotations-api-9.*.jar | head -1)"
    valve="$(ls "$target"/tomcat9-lib/portcullis-valve-tomcat9-*.jar | head -1)"
    [ -f "$main" ] && [ -f "$tomcat" ] && [ -f "$annotations" ] && [ -f "$valve" ] \
      || { echo "harness-classpath.sh: build the benchmarks module first (mvn package -pl benchmarks)" >&2; exit 1; }
    # Every entry of the Tomcat 11 class path but Tomcat 11 itself and the main JAR, then their Tomcat 9 forms.
    rest="$(tr ':' '\n' < "$target/classpath.txt" \
      | grep -v -E '/tomcat-(embed-core|annotations-api)-[0-9.]+\.jar$|/portcullis-valve-[0-9][^/]*\.jar$|/valve/target/classes$' \
      | paste -sd:)"
    echo "$main:$valve:$tomcat:$annotations:$rest" ;;
  *) echo "harness-classpath.sh: flavour must be 11 or 9, got [$flavour]" >&2; exit 2 ;;
esac
