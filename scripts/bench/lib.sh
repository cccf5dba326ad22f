#!/usr/bin/env bash
# Shell functions the benchmark scripts share; sourced, never run:  . "$root/scripts/bench/lib.sh"
#   free_port      a free TCP port on 127.0.0.1 (bound and released; the caller binds it next)
#   stop_pids      kills, then waits for, every process in the caller's array "pids"
#   cpu_ticks PID  the CPU time (utime+stime, in clock ticks) a process has used so far, from /proc. The fields
#                  are counted after the ")" that ends the command name, which may itself hold spaces.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

pids=()
stop_pids() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}

cpu_ticks() { awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$1/stat"; }
