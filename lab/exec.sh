#!/usr/bin/env bash
# Runs a command inside a lab run's network namespace (where 127.0.0.1:25/587 are the lab's Postfix).
# Usage: lab/exec.sh RUN_DIR CMD [ARGS...]     e.g. lab/exec.sh lab/run/x swaks --server 127.0.0.1:25 --to a@gmail.com
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"
[[ $# -ge 2 ]] || lab_die "usage: lab/exec.sh RUN_DIR CMD [ARGS...]"
run="$(lab_run_dir "$1")"; shift
[[ -f $run/env ]] || lab_die "no lab run in $run (start it with lab/start.sh $run)"
source "$run/env"
export LAB_RUN_DIR LAB_CONFIG_DIR LAB_NETNS
exec ip netns exec "$LAB_NETNS" "$@"
