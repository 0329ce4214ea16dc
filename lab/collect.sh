#!/usr/bin/env bash
# Collects a lab run's outputs into RUN_DIR/outputs: a postqueue -j snapshot, one bounce as delivered into a
# virtual mailbox (.eml), postcat of a queued spam message, and copies of the maillog and the Dovecot log.
# Usage: lab/collect.sh RUN_DIR [LABEL]     (LABEL names the queue snapshot: postqueue-LABEL.json, default "final")
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"
run="$(lab_run_dir "${1:-}")"
label="${2:-final}"
[[ -f $run/env ]] || lab_die "no lab run in $run"
source "$run/env"
out="$LAB_OUTPUT_DIR"
mkdir -p "$out"

postqueue -c "$LAB_CONFIG_DIR" -j >"$out/postqueue-$label.json"

# The first non-delivery report in the mailboxes (name order: stable across runs with the same seed).
bounce="$(grep -rlZ --include='*' -e '^Content-Type: multipart/report; report-type=delivery-status' "$LAB_VMAIL_DIR" 2>/dev/null \
  | xargs -0 -r ls -1 | sort | head -1 || true)"
if [[ -n $bounce ]]; then cp "$bounce" "$out/bounce.eml"; else rm -f "$out/bounce.eml"; fi

# A spam message still in the queue (deferred or held), as postcat shows it: envelope, headers, body.
rm -f "$out/postcat-spam.txt"
for id in $(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    m = json.loads(line)
    if m["queue_name"] in ("deferred", "hold"):
        print(m["queue_id"])' "$out/postqueue-$label.json"); do
  text="$(postcat -c "$LAB_CONFIG_DIR" -q "$id" 2>/dev/null || true)"
  # Not a bounce (null sender), though a bounce quotes the spam's headers.
  if grep -q '^X-Lab-Spam: yes' <<<"$text" && grep -q '^sender: .' <<<"$text"; then printf '%s\n' "$text" >"$out/postcat-spam.txt"; break; fi
done

cp "$LAB_MAILLOG" "$out/maillog"
cp "$LAB_DOVECOT_LOG" "$out/dovecot.log"
ls -1 "$out"
