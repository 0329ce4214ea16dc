#!/usr/bin/env bash
# Whole-process comparison on one generated log, all tools timed in the same run on a warm page cache:
#   spamtrace scan (Release: read + parse + correlate; --parse-only on all cores and on one),
#   grep -c ' postfix/' (the floor: no parsing at all),
#   pflogsumm (the classic Perl summariser, ~10 MB/s, so it reads a slice and is compared on that slice).
# Prints seconds, MB/s, peak RSS (GNU time) and ratios. Needs the packages in deps/bench.txt.
#
#   bench/compare-logs.sh                     # 1 GB log, 100 MB slice for pflogsumm, best of 3
#   SIZE=200M SLICE=20M REPEAT=1 bench/compare-logs.sh
#   LOG=/var/log/mail.log bench/compare-logs.sh   # a real log instead of the generated one
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
size="${SIZE:-1G}"
slice="${SLICE:-100M}"
repeat="${REPEAT:-3}"
seed="${SEED:-42}"
dir="${BENCH_DIR:-$root/artifacts/bench}"
mkdir -p "$dir"

for tool in /usr/bin/time pflogsumm grep; do
  command -v "$tool" >/dev/null || { echo "compare-logs: $tool is missing (deps/install.sh installs deps/bench.txt)" >&2; exit 2; }
done

echo "building Release..." >&2
source "$root/bench/lib.sh"
bench_prepare
# The slice ends on a whole line; it keeps the big log's file time for year inference.
slice_log="$dir/$(basename "$log")-slice-$slice"
if [[ ! -s "$slice_log" ]]; then
  head -c "$(numfmt --from=si "$slice")" "$log" | head -n -1 >"$slice_log"
  touch -r "$log" "$slice_log"
fi
cat "$log" "$slice_log" >/dev/null   # warm the page cache: we compare parsing, not the disk

bytes() { stat -c %s "$1"; }
# run NAME INPUT CMD...: best wall time of $repeat runs with that run's CPU time (user + sys), highest peak RSS.
# The machine may be shared: CPU seconds say what the work costs whatever the load, wall seconds what a user waits.
results=()
run() {
  local name="$1" input="$2"; shift 2
  local best="" cpu="" rss=0 t m u s
  for ((i = 0; i < repeat; i++)); do
    /usr/bin/time -f "%e %M %U %S" -o "$dir/time.out" "$@" >"$dir/$name.out" 2>"$dir/$name.err" || true
    read -r t m u s <"$dir/time.out"
    if [[ -z "$best" ]] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best="$t"; cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')
    fi
    ((m > rss)) && rss="$m"
  done
  results+=("$name $(bytes "$input") $best $cpu $rss")
  echo "  $name: ${best}s wall, ${cpu}s CPU" >&2
}

echo "timing (best of $repeat; load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores)..." >&2
run "spamtrace-scan" "$log" dotnet "$cli" scan "$log"
run "spamtrace-parse-only" "$log" dotnet "$cli" scan --parse-only "$log"
run "spamtrace-parse-1-thread" "$log" dotnet "$cli" scan --parse-only --workers 1 "$log"
run "grep-c" "$log" grep -c ' postfix/' "$log"
run "spamtrace-scan-slice" "$slice_log" dotnet "$cli" scan "$slice_log"
pflog_repeat="$repeat"; repeat=1
run "pflogsumm-slice" "$slice_log" pflogsumm --smtpd-stats "$slice_log"
repeat="$pflog_repeat"

echo
echo "log: $log ($(numfmt --to=si "$(bytes "$log")")B, $(grep -c '' "$log") lines), slice for pflogsumm: $(numfmt --to=si "$(bytes "$slice_log")")B"
grep -E '^(bytes|lines|unknown|errors):' "$dir/spamtrace-scan.out" | sed 's/^/spamtrace scan: /'
printf '%-26s %9s %8s %8s %8s %10s %6s %12s\n' tool "input MB" "wall s" "CPU s" "MB/s" "MB/CPU-s" cores "peak RSS MB"
declare -A mbps
for r in "${results[@]}"; do
  read -r name input secs cpu rss <<<"$r"
  rate=$(awk -v b="$input" -v s="$secs" 'BEGIN { printf "%.0f", (s > 0 ? b / s / 1e6 : 0) }')
  mbps[$name]="$rate"
  printf '%-26s %9.0f %8.2f %8.2f %8s %10.0f %6.2f %12.0f\n' "$name" "$(awk -v b="$input" 'BEGIN { print b / 1e6 }')" "$secs" "$cpu" "$rate" \
    "$(awk -v b="$input" -v c="$cpu" 'BEGIN { print (c > 0 ? b / c / 1e6 : 0) }')" "$(awk -v c="$cpu" -v s="$secs" 'BEGIN { print (s > 0 ? c / s : 0) }')" \
    "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
echo
echo "ratios of MB/s:"
echo "  spamtrace scan / grep -c:                     $(ratio "${mbps[spamtrace-scan]}" "${mbps[grep-c]}")"
echo "  spamtrace scan --parse-only / grep -c:        $(ratio "${mbps[spamtrace-parse-only]}" "${mbps[grep-c]}")"
echo "  spamtrace scan / pflogsumm (100 MB slice):    $(ratio "${mbps[spamtrace-scan-slice]}" "${mbps[pflogsumm-slice]}")"
echo "  --parse-only, all cores / one parsing thread: $(ratio "${mbps[spamtrace-parse-only]}" "${mbps[spamtrace-parse-1-thread]}")"
