#!/usr/bin/env bash
# Stops a lab run: Postfix (postfix stop, then its master PID), Dovecot, the filter and the sinks, each by its PID,
# then whatever still lives in the run's namespace (by PID), then the namespace itself. Logs and queue are kept.
# Usage: lab/stop.sh [RUN_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"
lab_require_root
run="$(lab_run_dir "${1:-}")"
ns="$(lab_netns_name "$run")"
conf="$run/etc/postfix"

if [[ -f $conf/main.cf ]]; then
  master_pid="$(head -1 "$run/spool/pid/master.pid" 2>/dev/null | tr -d ' ' || true)"
  # TERM to the master is what "postfix stop" does, without its one-second polling.
  if [[ -n $master_pid ]]; then lab_stop_pid "$master_pid"; fi
fi
for f in /run/spamtrace-lab/"$(printf '%s' "$run" | sha1sum | cut -c1-12)"/master.pid; do
  [[ -f $f ]] && lab_stop_pid "$(cat "$f")"
done
for f in "$run"/pids/*.pid; do
  [[ -f $f ]] || continue
  lab_stop_pid "$(cat "$f")"
  rm -f "$f"
done
if ip netns list 2>/dev/null | grep -qw "^$ns"; then
  for pid in $(ip netns pids "$ns" 2>/dev/null); do lab_stop_pid "$pid"; done
  ip netns del "$ns" 2>/dev/null || true
fi
rm -rf /run/spamtrace-lab/"$(printf '%s' "$run" | sha1sum | cut -c1-12)"
[[ -f $conf/main.cf ]] && "$here/helpers/alternate-config.sh" remove "$conf" || true
lab_log "stopped $run"
