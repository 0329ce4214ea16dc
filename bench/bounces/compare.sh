#!/usr/bin/env bash
# Times `spamtrace bounce` beside sisimai (Debian's libsisimai-perl) on the same messages in the same run:
# the set-of-emails maildir/bsd copied ROUNDS times into one mbox, read whole-process by both, one core each.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
corpus="${CORPUS:-$here/../shared/corpora/bounces}"
rounds="${ROUNDS:-10}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
[[ -d $corpus/maildir/bsd ]] || { echo "no corpus at $corpus" >&2; exit 2; }
perl -MSisimai -e1 2>/dev/null || { echo "libsisimai-perl is not installed (deps/bounces.txt)" >&2; exit 2; }
for ((i = 0; i < rounds; i++)); do
  for f in "$corpus"/maildir/bsd/*.eml; do
    head -c5 "$f" | grep -q '^From ' || echo "From MAILER-DAEMON Thu Jan  1 00:00:00 2026"
    sed 's/^From />From /' "$f"; echo
  done
done > "$work/all.mbox"
n=$(grep -c '^From ' "$work/all.mbox")
dotnet publish "$here/src/SpamTrace.Cli" -c Release -o "$work/cli" -v q -nologo >/dev/null
run() { { /usr/bin/time -f "%e %U %M" taskset -c 0 "$@" 2>&1 >/dev/null || true; } | tail -1; }
ours=$(run "$work/cli/SpamTrace.Cli" bounce --json "$work/all.mbox")
theirs=$(run perl -MSisimai -e 'my $v = Sisimai->make($ARGV[0]); print scalar(@{$v // []}), "\n"' "$work/all.mbox")
read -r ow ou om <<<"$ours"; read -r tw tu tm <<<"$theirs"
printf 'messages: %d (%d MB)\n' "$n" "$(( $(stat -c %s "$work/all.mbox") / 1048576 ))"
printf 'spamtrace bounce: %s s wall, %s s user, %s KB peak RSS, %.3f ms/message\n' "$ow" "$ou" "$om" "$(echo "$ow * 1000 / $n" | bc -l)"
printf 'sisimai (perl):   %s s wall, %s s user, %s KB peak RSS, %.3f ms/message\n' "$tw" "$tu" "$tm" "$(echo "$tw * 1000 / $n" | bc -l)"
printf 'ratio spamtrace/sisimai wall: %.3f\n' "$(echo "$ow / $tw" | bc -l)"
