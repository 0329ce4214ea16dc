#!/usr/bin/env bash
# diagnose against parse + correlate alone (spamtrace scan), whole processes on the same generated log, same run,
# warm page cache, alternating, best of $REPEAT. The issue's bar: diagnose costs at most 1.3x scan.
#   bench/compare-diagnose.sh                  # 300 MB log, best of 5
#   SIZE=1G REPEAT=3 bench/compare-diagnose.sh
#   LOG=/var/log/mail.log bench/compare-diagnose.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
size="${SIZE:-300M}"
repeat="${REPEAT:-5}"
seed="${SEED:-42}"
dir="${BENCH_DIR:-$root/artifacts/bench}"
mkdir -p "$dir"
command -v /usr/bin/time >/dev/null || { echo "compare-diagnose: /usr/bin/time is missing (package time)" >&2; exit 2; }

source "$root/bench/lib.sh"
bench_prepare
cat "$log" >/dev/null

# best NAME CMD...: prints "wall cpu rss" of the fastest run (CPU = user + sys, what the work costs on a shared machine).
declare -A wall cpu rss
for ((i = 0; i < repeat; i++)); do
  for name in scan diagnose; do
    if [[ $name == scan ]]; then args=(scan "$log"); else args=(diagnose --json "$log"); fi
    /usr/bin/time -f "%e %U %S %M" -o "$dir/time.out" dotnet "$cli" "${args[@]}" >"$dir/$name.out" 2>"$dir/$name.err" || true
    # GNU time writes "Command exited with non-zero status 1" first when diagnose finds spam.
    read -r e u s m < <(tail -n 1 "$dir/time.out")
    c=$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')
    if [[ -z "${wall[$name]:-}" ]] || awk -v a="$e" -v b="${wall[$name]}" 'BEGIN { exit !(a < b) }'; then wall[$name]=$e; fi
    if [[ -z "${cpu[$name]:-}" ]] || awk -v a="$c" -v b="${cpu[$name]}" 'BEGIN { exit !(a < b) }'; then cpu[$name]=$c; fi
    rss[$name]=$m
  done
done
bytes=$(stat -L -c %s "$log")
printf '%-9s %8s %8s %8s %9s\n' tool wall_s cpu_s MB/s rss_MB
for name in scan diagnose; do
  awk -v n="$name" -v w="${wall[$name]}" -v c="${cpu[$name]}" -v b="$bytes" -v r="${rss[$name]}" \
    'BEGIN { printf "%-9s %8.2f %8.2f %8.0f %9.0f\n", n, w, c, b / w / 1e6, r / 1024 }'
done
awk -v dw="${wall[diagnose]}" -v sw="${wall[scan]}" -v dc="${cpu[diagnose]}" -v sc="${cpu[scan]}" \
  'BEGIN { printf "diagnose / scan: %.2fx wall, %.2fx CPU (bar: 1.3x)\n", dw / sw, dc / sc }'
