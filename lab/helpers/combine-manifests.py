#!/usr/bin/python3
"""Combines scenario manifests played in one lab run into one incident manifest (the fixtures' manifest.json):
the union of expected culprits and legitimate senders, plus every scenario's manifest in full.
Usage: combine-manifests.py OUT.json MANIFEST.json...
"""
import json
import sys


def main():
    out, paths = sys.argv[1], sys.argv[2:]
    scenarios = [json.load(open(p, encoding="utf-8")) for p in paths]
    culprits, legit = [], []
    for s in scenarios:
        culprits += [c for c in s["expected_culprits"] if c not in culprits]
        legit += [l for l in s["legitimate_senders"] if l not in legit]
    combined = {
        "schema": "spamtrace-lab-incident/1",
        "scenarios": [s["scenario"] for s in scenarios],
        "expected_culprits": culprits,
        "legitimate_senders": legit,
        "summary": {
            "messages": sum(s["summary"]["messages"] for s in scenarios),
            "recipients": sum(s["summary"]["recipients"] for s in scenarios),
            "auth_failures": sum(s["summary"]["auth_failures"] for s in scenarios),
        },
        "manifests": scenarios,
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(combined, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
