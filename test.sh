#!/usr/bin/env bash
# The whole test suite: installs what the tests need, starts the services, runs unit, corpus and lab tests.
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
cd "$root"

results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

"$root/deps/install.sh"

dotnet build SpamTrace.slnx -c Release --nologo -v quiet

status=0
dotnet test tests/SpamTrace.Tests/SpamTrace.Tests.csproj -c Release --no-build --nologo \
  --logger "trx;LogFileName=unit.trx" --results-directory "$results" || status=$?

# Real-Postfix lab: one lab run in its own network namespace (needs root; skips visibly otherwise, fails in CI).
dotnet test lab/SpamTrace.Lab.Tests/SpamTrace.Lab.Tests.csproj -c Release --no-build --nologo --filter Category=Lab \
  --logger "trx;LogFileName=lab.trx" --results-directory "$results" || status=$?

# One closing line that any CI can read: totals over every test run.
python3 - "$results" <<'PY' || true
import sys, glob, xml.etree.ElementTree as ET
p = f = s = 0
for trx in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(trx).getroot().find(".//{*}Counters")
    if c is None: continue
    p += int(c.get("passed", 0)); f += int(c.get("failed", 0)); s += int(c.get("notExecuted", 0))
print(f"tests: {p} passed, {f} failed, {s} skipped")
PY
exit $status
