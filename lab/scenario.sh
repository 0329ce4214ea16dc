#!/usr/bin/env bash
# Plays a scenario against a running lab, inside its namespace. Prints the manifest path (last line of stdout).
# Usage: lab/scenario.sh RUN_DIR SCENARIO [--seed N] [options]     (lab/scenario.sh RUN_DIR SCENARIO --help)
# Scenarios: stolen-password, hacked-script, open-relay, backscatter, legit, queue-states, expire, incident
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"
[[ $# -ge 2 ]] || lab_die "usage: lab/scenario.sh RUN_DIR SCENARIO [options]"
run="$(lab_run_dir "$1")"; shift
[[ -f $run/env ]] || lab_die "no lab run in $run (start it with lab/start.sh $run)"
source "$run/env"
exec ip netns exec "$LAB_NETNS" /usr/bin/python3 "$here/scenarios/scenario.py" --run "$run" "$@"
