#!/usr/bin/env bash
# Installs every package listed in deps/*.txt, non-interactively, without starting their services.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
mapfile -t wanted < <(cat "$here"/*.txt 2>/dev/null | sed 's/#.*//' | tr -s ' \t' '\n' | grep -v '^$' | sort -u)
[[ ${#wanted[@]} -eq 0 ]] && exit 0
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
if [[ $(id -u) -ne 0 ]]; then
  echo "deps: missing packages (${missing[*]}); run as root to install them" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Postfix asks what kind of server it is; the lab writes its own configuration.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
# Keep packages from starting their services at install time: the tests start what they need themselves.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
fi
trap '[[ $created_policy -eq 1 ]] && rm -f "$policy"' EXIT
apt_opts=(-y -q -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
apt-get install "${apt_opts[@]}" --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
  apt-get update -q -o DPkg::Lock::Timeout=600 >/dev/null
  apt-get install "${apt_opts[@]}" --no-install-recommends "${missing[@]}"
}
