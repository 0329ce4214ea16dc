#!/usr/bin/env bash
# Diagnose accuracy on randomized lab incidents: per seed, start a lab, play `incident --seed N`, collect, run
# `spamtrace diagnose --json` on the incident's log with the lab's Postfix configuration, compare with the ground
# truth the scenario wrote, stop the lab. At the end, a table per attack kind (all runs, and the runs where receivers
# refused nothing). One JSON line per seed in RESULTS.
# Usage: lab/accuracy.sh [--seeds N] [--start S] [--work DIR]     (default: 20 seeds from 1, in /tmp/spamtrace-accuracy)
#        lab/accuracy.sh --report [--work DIR]                    (the table of the runs so far)
#        lab/accuracy.sh --rediagnose [--work DIR]                (diagnose again on the runs' kept logs, then the table)
#   SPAMTRACE='dotnet /path/SpamTrace.Cli.dll' picks the CLI (default: ./spamtrace of this checkout).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
source "$here/lib.sh"
seeds=20 start=1 work=/tmp/spamtrace-accuracy report=0 rediagnose=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seeds) seeds="${2:?--seeds needs a number}"; shift 2 ;;
    --start) start="${2:?--start needs a number}"; shift 2 ;;
    --work) work="${2:?--work needs a directory}"; shift 2 ;;
    --report) report=1; shift ;;
    --rediagnose) rediagnose=1; shift ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) lab_die "accuracy: unknown option $1 (see --help)" ;;
  esac
done
[[ $seeds =~ ^[0-9]+$ && $start =~ ^[0-9]+$ ]] || lab_die "accuracy: --seeds and --start take whole numbers"
read -r -a cli <<<"${SPAMTRACE:-$root/spamtrace}"
# compare MANIFEST DIAGNOSE_JSON EXIT_CODE SECONDS -> one JSON line; compare --table RESULTS -> the accuracy table.
compare() {
  python3 - "$@" <<'PY'
import json, sys

def load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None

def judge(manifest_path, diagnose_path, rc, seconds):
    m = load_json(manifest_path)
    d = load_json(diagnose_path)
    truth = m["truth"]
    v = m["params"]["variations"]
    r = {"seed": m["seed"], "kinds": m["params"]["kinds"], "refusal_free": v["refusal_free"], "variations": v,
         "seconds": int(seconds), "exit": int(rc), "culprits": [], "missed": [], "wrong_kind": [], "wrong_key": [],
         "legit_accused": [], "other_accused": []}
    if d is None:
        r["error"] = f"diagnose wrote no JSON (exit {rc})"
        return r
    accused = {(c["kind"], c["key"]): c for c in d.get("culprits", [])}
    by_key = {}
    for (kind, key), c in accused.items():
        by_key.setdefault(key, []).append(kind)
    legit = {(o["kind"], o["key"]) for o in truth["legitimate"]}
    injectors = {o["key"] for o in truth["legitimate"] if o.get("backscatter_injector")}
    expected = set()
    for c in truth["culprits"]:
        k = (c["kind"], c["key"])
        expected.add(k)
        entry = {"kind": c["kind"], "key": c["key"]}
        got = accused.get(k)
        script = None if got is None else got.get("details", {}).get("main_script")
        if got is not None and c["kind"] == "local" and script != c.get("script"):
            entry["outcome"] = "wrong_key"
            r["wrong_key"].append(f"{c['kind']}:{c['key']} script {script} not {c.get('script')}")
        elif got is not None:
            entry["outcome"] = "right"
        elif c["kind"] == "bounce" and any(("relay", ip) in accused for ip in injectors):
            entry["outcome"] = "wrong_kind"
            r["wrong_kind"].append("backscatter injectors accused as open-relay clients")
        elif c["key"] and [k2 for k2 in by_key.get(c["key"], []) if k2 != c["kind"]]:
            entry["outcome"] = "wrong_kind"
            r["wrong_kind"].append(f"{c['kind']}:{c['key']} accused as {by_key[c['key']]}")
        else:
            entry["outcome"] = "missed"
            o = next((o for o in d.get("origins", []) if o["kind"] == c["kind"] and o["key"] == c["key"]), None)
            r["missed"].append(f"{c['kind']}:{c['key']} (score {o['score'] if o else 'not an origin'})")
        r["culprits"].append(entry)
    for k, c in accused.items():
        if k in expected:
            continue
        text = f"{k[0]}:{k[1]} score {c.get('score')}"
        (r["legit_accused"] if k in legit else r["other_accused"]).append(text)
    r["ok"] = all(c["outcome"] == "right" for c in r["culprits"]) and not r["legit_accused"] and not r["other_accused"]
    return r

def table(path):
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    errors = [r for r in rows if "error" in r]
    rows = [r for r in rows if "error" not in r]
    names = {"sasl": "stolen-password", "local": "hacked-script", "relay": "open-relay", "bounce": "backscatter"}
    print(f"{len(rows)} runs judged ({sum(r['ok'] for r in rows)} entirely right), {len(errors)} failed to play"
          + "".join(f"\n  seed {r['seed']}: {r['error']}" for r in errors))
    header = f"{'kind':<16} {'runs':>5} {'right':>6} {'missed':>7} {'wrong kind':>11} {'wrong key':>10} {'legit accused':>14}"
    for title, subset in (("all runs", rows), ("receivers refused nothing", [r for r in rows if r["refusal_free"]])):
        print(f"\n{title} ({len(subset)} runs)\n{header}")
        for kind, name in names.items():
            runs = [r for r in subset if name in r["kinds"]]
            # Per run, a kind is right when every culprit of that kind is (an open relay may have several clients).
            outcome = lambda r, o: any(c["outcome"] == o for c in r["culprits"] if c["kind"] == kind)
            right = sum(1 for r in runs if all(c["outcome"] == "right" for c in r["culprits"] if c["kind"] == kind))
            print(f"{name:<16} {len(runs):>5} {right:>6} {sum(outcome(r, 'missed') for r in runs):>7} "
                  f"{sum(outcome(r, 'wrong_kind') for r in runs):>11} {sum(outcome(r, 'wrong_key') for r in runs):>10} "
                  f"{sum(1 for r in runs if r['legit_accused']):>14}")
        print(f"{'any':<16} {len(subset):>5} {sum(r['ok'] for r in subset):>6} {'':>7} {'':>11} {'':>10} "
              f"{sum(1 for r in subset if r['legit_accused']):>14}   other origins accused in {sum(1 for r in subset if r['other_accused'])} runs")
    for r in rows:
        if not r["ok"]:
            print(f"seed {r['seed']} {r['kinds']} refusal_free={r['refusal_free']}: missed {r['missed']} wrong kind {r['wrong_kind']} "
                  f"wrong key {r['wrong_key']} legit accused {r['legit_accused']} other {r['other_accused']}")

def line(path):
    r = json.loads(open(path, encoding="utf-8").read().splitlines()[-1])
    if "error" in r:
        print(f"seed {r['seed']}: {r['error']}")
        return
    text = f"seed {r['seed']}: {'right' if r['ok'] else 'WRONG'} {','.join(r['kinds'])} refusal_free={r['refusal_free']} {r['seconds']} s"
    if not r["ok"]:
        text += f"; missed {r['missed']} wrong {r['wrong_kind'] + r['wrong_key']} legit accused {r['legit_accused']} other {r['other_accused']}"
    print(text, flush=True)

if sys.argv[1] == "--table":
    table(sys.argv[2])
elif sys.argv[1] == "--line":
    line(sys.argv[2])
else:
    print(json.dumps(judge(*sys.argv[1:5])))
PY
}
if ((rediagnose)); then
  [[ -f $work/results.jsonl ]] || lab_die "accuracy: no results in $work"
  mv "$work/results.jsonl" "$work/results.before-rediagnose.jsonl"
  for manifest in "$work"/seed-*/manifests/incident.json; do
    run="$(dirname "$(dirname "$manifest")")"
    seed="${run##*/seed-}"
    seconds="$(python3 -c 'import json,sys; print(next((r.get("seconds", 0) for r in map(json.loads, open(sys.argv[1])) if r["seed"] == int(sys.argv[2])), 0))' \
      "$work/results.before-rediagnose.jsonl" "$seed")"
    log="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["maillog_incident"])' "$manifest")"
    conf="$(sed -n 's/^LAB_CONFIG_DIR=//p' "$run/env")"
    rc=0
    "${cli[@]}" diagnose --json -c "$conf" --passwd /etc/passwd "$log" >"$run/diagnose.json" 2>"$run/diagnose.err" || rc=$?
    compare "$manifest" "$run/diagnose.json" "$rc" "$seconds" >>"$work/results.jsonl"
  done
  report=1
fi
if ((report)); then
  [[ -f $work/results.jsonl ]] || lab_die "accuracy: no results in $work"
  compare --table "$work/results.jsonl"
  exit 0
fi
lab_require_root
mkdir -p "$work"
results="$work/results.jsonl"
: >"$results"

for ((seed = start; seed < start + seeds; seed++)); do
  run="$work/seed-$seed"
  began=$SECONDS
  if ! "$here/start.sh" "$run" >"$work/seed-$seed.start.log" 2>&1; then
    echo "{\"seed\": $seed, \"error\": \"lab did not start (see $work/seed-$seed.start.log)\"}" >>"$results"
    "$here/stop.sh" "$run" >/dev/null 2>&1 || true
    continue
  fi
  source "$run/env"
  if manifest="$("$here/scenario.sh" "$run" incident --seed "$seed" --name incident 2>"$work/seed-$seed.scenario.log" | tail -1)" \
    && [[ -f $manifest ]]; then
    "$here/collect.sh" "$run" >/dev/null 2>&1 || true
    log="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["maillog_incident"])' "$manifest")"
    "$here/stop.sh" "$run" >/dev/null 2>&1 || true
    rc=0
    "${cli[@]}" diagnose --json -c "$LAB_CONFIG_DIR" --passwd /etc/passwd "$log" >"$run/diagnose.json" 2>"$run/diagnose.err" || rc=$?
    compare "$manifest" "$run/diagnose.json" "$rc" "$((SECONDS - began))" >>"$results"
  else
    "$here/stop.sh" "$run" >/dev/null 2>&1 || true
    echo "{\"seed\": $seed, \"error\": \"scenario failed (see $work/seed-$seed.scenario.log)\"}" >>"$results"
  fi
  compare --line "$results" || true
done
compare --table "$results"
