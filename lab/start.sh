#!/usr/bin/env bash
# Starts a lab run: a real Postfix (own config + queue dir), Dovecot SASL, the content filter and "the Internet"
# (smtp-sink instances on 192.0.2.10-14), all inside a network namespace of their own with only loopback.
# Usage: lab/start.sh [RUN_DIR]          (default lab/run/default; an existing run there is stopped first)
# Environment:
#   LAB_FILTER=0            no global content_filter (the filter still runs; 127.0.0.2 listeners never use it)
#   LAB_PROFILE=fast-expiry retries every 2-4 s, delay warnings after 4 s, messages expire after 12 s (the
#                           expire scenario: "sender delay notification", "status=expired, returned to sender")
#   LAB_USERS="u:p ..."     SASL users of lab.example (default: alice bob carol dave erin with random passwords)
#   LAB_POSTCONF="k = v"    extra main.cf settings, one per line (applied with postconf -e after ours)
#   LAB_POSTCONF_MASTER="service/type/param = value"  master.cf field overrides, one per line (postconf -P/-F)
#   LAB_MASTER_CF="..."     extra master.cf lines appended verbatim (e.g. a policy spawn service)
# Prints the run's environment (also in RUN_DIR/env and RUN_DIR/env.json).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"
lab_require_root
missing="$(lab_missing_commands)"
[[ -z $missing ]] || lab_die "missing commands: $missing (install with deps/install.sh; deps/lab.txt lists the packages)"

run="$(lab_run_dir "${1:-}")"
if [[ -f $run/env ]]; then "$here/stop.sh" "$run" >/dev/null 2>&1 || true; fi
ns="$(lab_netns_name "$run")"
started=$SECONDS
# A start that fails half-way stops what it started: a failing test must not leave daemons behind.
trap 'rc=$?; [[ $rc -ne 0 ]] && "$here/stop.sh" "$run" >/dev/null 2>&1; exit $rc' EXIT

# A fresh run directory (keep nothing from an earlier run: its logs would mislead the tests).
for d in etc spool data vmail logs pids manifests outputs www; do rm -rf "${run:?}/$d"; done
rm -f "$run/env" "$run/env.json" "$run/filter.mode" "$run/users.tsv" "$run/routes.tsv"
mkdir -p "$run"/{etc/postfix,etc/dovecot,etc/tls,logs,pids,manifests,outputs,www}
chmod 755 "$run"

conf="$run/etc/postfix"
domain=lab.example
vmail_uid=5000

# --- "the Internet": one smtp-sink per behaviour; the routing table drives transport(5) and the manifests ----
# name  address  expected-status  smtp-sink options
sinks=(
  "accept|192.0.2.10|sent|"
  "user-unknown|192.0.2.11|bounced|-f RCPT -B '550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient'\"'\"'s email address for typos or unnecessary spaces.'"
  "yahoo-ts03|192.0.2.12|deferred|-r CONNECT -b '421 4.7.1 [TS03] All messages from [203.0.113.25] will be permanently deferred; Retrying will NOT succeed. See https://postmaster.yahooinc.com/error-codes'"
  "greylist|192.0.2.13|deferred|-r RCPT -b '450 4.2.0 Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/lab.example.html'"
  "outlook-s3150|192.0.2.14|bounced|-f MAIL -B '550 5.7.1 Unfortunately, messages from [203.0.113.25] weren'\"'\"'t sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors.'"
)
# regexp on the full recipient address <TAB> sink name ("virtual" = our own mailboxes). First match wins.
routes=(
  $'/@lab\\.example$/\tvirtual'
  $'/^(gone|nosuchuser|olduser)[.+-][^@]*@/\tuser-unknown'
  $'/@legacy\\.example$/\tuser-unknown'
  $'/@oldcorp\\.example$/\tuser-unknown'
  $'/@(yahoo\\.com|ymail\\.com|aol\\.com|yahoo\\.co\\.uk)$/\tyahoo-ts03'
  $'/@(outlook\\.com|hotmail\\.com|live\\.com|msn\\.com)$/\toutlook-s3150'
  $'/@greylist\\.example$/\tgreylist'
  $'/./\taccept'
)
: >"$conf/transport.regexp"
: >"$run/routes.tsv"
for r in "${routes[@]}"; do
  IFS=$'\t' read -r regex sink <<<"$r"
  status=delivered
  if [[ $sink == virtual ]]; then
    printf '%s\tvirtual:\n' "$regex" >>"$conf/transport.regexp"
  else
    for s in "${sinks[@]}"; do
      IFS='|' read -r sname saddr sstatus _ <<<"$s"
      if [[ $sname == "$sink" ]]; then
        printf '%s\tsmtp:[%s]:25\n' "$regex" "$saddr" >>"$conf/transport.regexp"
        status=$sstatus
      fi
    done
  fi
  # routes.tsv: python-compatible regex (no slashes), sink, expected final recipient status
  printf '%s\t%s\t%s\n' "${regex:1:${#regex}-2}" "$sink" "$status" >>"$run/routes.tsv"
done

# --- users ---------------------------------------------------------------------------------------------------
users="${LAB_USERS:-}"
if [[ -z $users ]]; then
  for u in alice bob carol dave erin; do users+="$u:$(openssl rand -hex 6) "; done
fi
: >"$run/users.tsv"
for up in $users; do
  u="${up%%:*}"; p="${up#*:}"
  [[ $u == *@* ]] || u="$u@$domain"
  printf '%s\t%s\n' "$u" "$p" >>"$run/users.tsv"
done
# Dovecot passwd-file (re-read by Dovecot when it changes) and Postfix virtual mailboxes (our users + system ones).
awk -F'\t' '{printf "%s:{PLAIN}%s::::::\n", $1, $2}' "$run/users.tsv" >"$run/etc/dovecot/users"
chmod 640 "$run/etc/dovecot/users"; chgrp dovecot "$run/etc/dovecot/users"
{ awk -F'\t' '{split($1, a, "@"); printf "%s\t%s/%s/\n", $1, a[2], a[1]}' "$run/users.tsv"
  for sys in root postmaster abuse www-data; do printf '%s@%s\t%s/%s/\n' "$sys" "$domain" "$domain" "$sys"; done
} >"$conf/vmailbox"
printf 'info@legacy.example\tOK\nsales@legacy.example\tOK\n' >"$conf/relay_recipients"
printf '/^X-PHP-Originating-Script:/ INFO\n' >"$conf/header_checks"

mkdir -p "$run/spool" "$run/data"; chown postfix "$run/data"; chmod 700 "$run/data"
mkdir -p "$run/vmail"; chown "$vmail_uid:$vmail_uid" "$run/vmail"; chmod 770 "$run/vmail"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 -subj "/CN=mail.$domain" \
  -keyout "$run/etc/tls/key.pem" -out "$run/etc/tls/cert.pem" >/dev/null 2>&1
chmod 600 "$run/etc/tls/key.pem"

# --- Postfix main.cf ---------------------------------------------------------------------------------------------
filter_line="content_filter = smtp-amavis:[127.0.0.1]:10024"
[[ ${LAB_FILTER:-1} == 0 ]] && filter_line="content_filter ="
cat >"$conf/main.cf" <<CF
# SpamTrace lab: generated by lab/start.sh for $run
compatibility_level = 3.6
myhostname = mail.$domain
mydomain = $domain
myorigin = \$mydomain
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
queue_directory = $run/spool
data_directory = $run/data
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
alias_maps =
alias_database =
local_transport = error:5.1.1 local delivery is disabled in the lab
biff = no
append_dot_mydomain = no
readme_directory = no
smtpd_banner = \$myhostname ESMTP
virtual_mailbox_domains = $domain
virtual_mailbox_maps = hash:$conf/vmailbox
virtual_mailbox_base = $run/vmail
virtual_uid_maps = static:$vmail_uid
virtual_gid_maps = static:$vmail_uid
virtual_minimum_uid = 100
relay_domains = legacy.example
relay_recipient_maps = hash:$conf/relay_recipients
transport_maps = regexp:$conf/transport.regexp
mynetworks = 127.0.0.1/32
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
smtpd_sasl_type = dovecot
smtpd_sasl_path = inet:127.0.0.1:12345
smtpd_sasl_auth_enable = no
smtpd_tls_cert_file = $run/etc/tls/cert.pem
smtpd_tls_key_file = $run/etc/tls/key.pem
smtpd_tls_security_level = may
smtp_tls_security_level = none
smtp_dns_support_level = disabled
header_checks = regexp:$conf/header_checks
$filter_line
CF

# --- Postfix master.cf: chroot n everywhere; listeners on fixed 127.0.0.x addresses -------------------------------
listener() { # address service extra-options...
  local addr="$1" svc="$2"; shift 2
  printf '%s:%s inet n - n - - smtpd' "$addr" "$svc"
  local o; for o in "$@"; do printf '\n  -o %s' "$o"; done
  printf '\n'
}
submission_opts=(syslog_name=postfix/submission smtpd_tls_security_level=encrypt smtpd_sasl_auth_enable=yes
  smtpd_tls_auth_only=yes smtpd_client_restrictions=permit_sasl_authenticated,reject)
{
  cat <<'MASTER'
# SpamTrace lab master.cf (generated). Listeners:
#   127.0.0.1:25/587  MX / submission, through the content filter (when LAB_FILTER is not 0)
#   127.0.0.2:25/587  the same without the content filter
#   127.0.0.3:25      misconfigured MX: mynetworks 0.0.0.0/0 (open relay) and no relay recipient validation
#   127.0.0.4:25      the same misconfiguration without the content filter
#   127.0.0.1:10025   re-injection from the content filter
MASTER
  listener 127.0.0.1 25
  listener 127.0.0.2 25 content_filter=
  listener 127.0.0.3 25 mynetworks=0.0.0.0/0 relay_recipient_maps=
  listener 127.0.0.4 25 mynetworks=0.0.0.0/0 relay_recipient_maps= content_filter=
  listener 127.0.0.1 587 "${submission_opts[@]}"
  listener 127.0.0.2 587 "${submission_opts[@]}" content_filter=
  listener 127.0.0.1 10025 syslog_name=postfix/10025 content_filter= mynetworks=127.0.0.0/8 \
    local_recipient_maps= relay_recipient_maps= smtpd_tls_security_level=none smtpd_delay_reject=no \
    smtpd_client_restrictions=permit_mynetworks,reject smtpd_helo_restrictions= smtpd_sender_restrictions= \
    smtpd_recipient_restrictions=permit_mynetworks,reject smtpd_relay_restrictions=permit_mynetworks,reject \
    smtpd_end_of_data_restrictions= smtpd_data_restrictions= smtpd_error_sleep_time=0 smtpd_soft_error_limit=1001 \
    smtpd_hard_error_limit=1000 smtpd_authorized_xforward_hosts=127.0.0.0/8 \
    receive_override_options=no_header_body_checks,no_unknown_recipient_checks,no_address_mappings
  cat <<'MASTER'
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
  -o smtp_bind_address=203.0.113.25
relay     unix  -       -       n       -       -       smtp
  -o syslog_name=postfix/$service_name
  -o smtp_bind_address=203.0.113.25
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
smtp-amavis unix -      -       n       -       4       smtp
  -o syslog_name=postfix/amavis
  -o smtp_data_done_timeout=1200
  -o smtp_send_xforward_command=yes
  -o smtp_dns_support_level=disabled
  -o max_use=20
MASTER
  [[ -n ${LAB_MASTER_CF:-} ]] && printf '%s\n' "$LAB_MASTER_CF"
} >"$conf/master.cf"

case "${LAB_PROFILE:-}" in
  "") ;;
  fast-expiry)
    postconf -c "$conf" -e "minimal_backoff_time = 2s" "maximal_backoff_time = 4s" "queue_run_delay = 2s" \
      "delay_warning_time = 4s" "maximal_queue_lifetime = 12s" "bounce_queue_lifetime = 12s" ;;
  *) lab_die "unknown LAB_PROFILE ${LAB_PROFILE} (known: fast-expiry)" ;;
esac
if [[ -n ${LAB_POSTCONF:-} ]]; then
  while IFS= read -r kv; do [[ -n ${kv// } ]] && postconf -c "$conf" -e "$kv"; done <<<"$LAB_POSTCONF"
fi
if [[ -n ${LAB_POSTCONF_MASTER:-} ]]; then
  while IFS= read -r kv; do [[ -n ${kv// } ]] && postconf -c "$conf" -P "$kv"; done <<<"$LAB_POSTCONF_MASTER"
fi
# Postfix waits until a just-written table or main.cf is a second old (it could be half-written): age them.
backdate() { touch -d '-3 seconds' "$conf"/*; }
backdate
postmap -c "$conf" "hash:$conf/vmailbox" "hash:$conf/relay_recipients"
# Logging to a file goes through postlogd once Postfix runs; set it after postmap, which would otherwise wait
# for a postlogd that is not there yet.
postconf -c "$conf" -e "maillog_file = $run/logs/maillog" "maillog_file_prefixes = $run/logs"
backdate

# Non-root sendmail/postdrop (www-data's PHP) may only use a config directory the default main.cf lists.
"$here/helpers/alternate-config.sh" add "$conf"

# --- namespace ---------------------------------------------------------------------------------------------------
ip netns del "$ns" 2>/dev/null || true
ip netns add "$ns" 2>"$run/logs/netns.err" \
  || lab_die "cannot create network namespace $ns: $(cat "$run/logs/netns.err") (needs CAP_SYS_ADMIN and CAP_NET_ADMIN: real root or a privileged container)"
ip -n "$ns" link set lo up
# Inside the namespace only, whole documentation/benchmark ranges are local to lo ("AnyIP"): "the Internet"
# (192.0.2.0/24), remote clients (198.18.0.0/15, many /24s) and offices (203.0.113.0/24) get realistic,
# non-loopback addresses, while every packet still stays on this namespace's lo (it has no other interface).
for net in 192.0.2.0/24 198.18.0.0/15 203.0.113.0/24; do ip -n "$ns" route add local "$net" dev lo; done

# --- Dovecot: SASL only, on 127.0.0.1:12345 inside the namespace; auth penalty and failure delay off ------------
dove_base="/run/spamtrace-lab/$(printf '%s' "$run" | sha1sum | cut -c1-12)"
rm -rf "$dove_base"; mkdir -p "$dove_base"
cat >"$run/etc/dovecot/dovecot.conf" <<DC
# SpamTrace lab Dovecot: SASL authentication for Postfix only.
base_dir = $dove_base
state_dir = $dove_base/state
instance_name = $ns
protocols =
listen = 127.0.0.1
log_path = $run/logs/dovecot.log
info_log_path = $run/logs/dovecot.log
auth_verbose = yes
auth_failure_delay = 0
auth_mechanisms = plain login
disable_plaintext_auth = no
ssl = no
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $run/etc/dovecot/users
}
userdb {
  driver = static
  args = uid=$vmail_uid gid=$vmail_uid home=$run/vmail/%d/%n
}
service auth {
  inet_listener {
    address = 127.0.0.1
    port = 12345
  }
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
DC
mkdir -p "$dove_base/state"
ip netns exec "$ns" dovecot -c "$run/etc/dovecot/dovecot.conf" </dev/null >>"$run/logs/dovecot.log" 2>&1 \
  || lab_die "dovecot did not start (see $run/logs/dovecot.log)"

# --- the Internet -------------------------------------------------------------------------------------------------
for s in "${sinks[@]}"; do
  IFS='|' read -r sname saddr _ sopts <<<"$s"
  eval "opts=($sopts)"
  lab_spawn "$ns" "$run/pids/sink-$sname.pid" "$run/logs/sink-$sname.log" \
    smtp-sink -u postfix -h "$sname.sink.invalid" "${opts[@]}" "$saddr:25" 256
done

# --- content filter -------------------------------------------------------------------------------------------------
echo pass >"$run/filter.mode"
lab_spawn "$ns" "$run/pids/content-filter.pid" "$run/logs/content-filter.log" \
  /usr/bin/python3 "$here/helpers/content-filter.py" --postfix-config "$conf" --mode-file "$run/filter.mode" \
  --local-domain "$domain"

# --- Postfix ------------------------------------------------------------------------------------------------------
ip netns exec "$ns" postfix -c "$conf" start </dev/null >>"$run/logs/postfix-start.log" 2>&1 \
  || lab_die "postfix did not start (see $run/logs/postfix-start.log)"

LAB_WAIT_PIDFILES=("$run"/pids/*.pid)
lab_wait_ports "$ns" 127.0.0.1:25 127.0.0.2:25 127.0.0.3:25 127.0.0.4:25 127.0.0.1:587 127.0.0.2:587 \
  127.0.0.1:10025 127.0.0.1:10024 127.0.0.1:12345 192.0.2.10:25 192.0.2.11:25 192.0.2.12:25 192.0.2.13:25 192.0.2.14:25

cat >"$run/env" <<ENV
LAB_RUN_DIR=$run
LAB_NETNS=$ns
LAB_CONFIG_DIR=$conf
LAB_QUEUE_DIR=$run/spool
LAB_MAILLOG=$run/logs/maillog
LAB_DOVECOT_LOG=$run/logs/dovecot.log
LAB_USERS_FILE=$run/users.tsv
LAB_ROUTES_FILE=$run/routes.tsv
LAB_VMAIL_DIR=$run/vmail
LAB_MANIFEST_DIR=$run/manifests
LAB_OUTPUT_DIR=$run/outputs
LAB_FILTER_MODE_FILE=$run/filter.mode
LAB_DOMAIN=$domain
LAB_FILTER=${LAB_FILTER:-1}
LAB_PROFILE=${LAB_PROFILE:-}
LAB_MX=127.0.0.1:25
LAB_MX_NOFILTER=127.0.0.2:25
LAB_MX_OPEN_RELAY=127.0.0.3:25
LAB_MX_OPEN_RELAY_NOFILTER=127.0.0.4:25
LAB_SUBMISSION=127.0.0.1:587
LAB_SUBMISSION_NOFILTER=127.0.0.2:587
LAB_FILTER_IN=127.0.0.1:10024
LAB_REINJECT=127.0.0.1:10025
LAB_SASL=127.0.0.1:12345
LAB_INTERNET=192.0.2.0/24
LAB_PUBLIC_IP=203.0.113.25
LAB_CLIENT_NETS=198.18.0.0/15,203.0.113.0/24
ENV
python3 - "$run/env" "$run/env.json" <<'PY'
import json, sys
env = dict(line.rstrip("\n").split("=", 1) for line in open(sys.argv[1]) if "=" in line)
json.dump(env, open(sys.argv[2], "w"), indent=2)
PY
cat "$run/env"
lab_log "started in $((SECONDS - started)) s: $run (netns $ns)"
