#!/usr/bin/env bash
# Adds or removes a lab config directory in alternate_config_directories of the default /etc/postfix/main.cf.
# Postfix lets a non-root sendmail/postdrop (www-data's PHP mail()) use a private config directory only when the
# default main.cf lists it. Several lab runs may do this at once: a lock serialises the edits.
# Usage: alternate-config.sh add|remove DIR
set -euo pipefail
action="$1" dir="$2"
main=/etc/postfix/main.cf
mkdir -p /etc/postfix
exec 9>/etc/postfix/.spamtrace-lab.lock
flock -w 30 9
if [[ ! -f $main ]]; then
  printf '# Created by the SpamTrace lab (lab/start.sh): only lists the lab config directories.\ncompatibility_level = 3.6\n' >"$main"
fi
# Read the value from the file, not with postconf -h: that computes defaults (myhostname by DNS: seconds offline).
current="$(sed -n 's/^alternate_config_directories[[:space:]]*=//p' "$main" | tr ', ' '\n\n' | grep -v '^$' || true)"
case "$action" in
  add) updated="$( (printf '%s\n' "$current"; echo "$dir") | grep -v '^$' | sort -u)" ;;
  remove) updated="$(printf '%s\n' "$current" | grep -vxF "$dir" | grep -v '^$' || true)" ;;
  *) echo "usage: $0 add|remove DIR" >&2; exit 2 ;;
esac
postconf -c /etc/postfix -e "alternate_config_directories = $(echo $updated)"
