#!/usr/bin/env bash
# A minimal private Postfix for queue and containment tests: its own config and queue directories, NO inet
# listener (it never clashes with the lab or a system Postfix), mail relayed to a closed loopback port so it stays
# deferred, and one unix-socket smtpd that trusts XCLIENT so tests can submit "SASL-authenticated" mail.
#
#   private-postfix.sh start DIR     create DIR/{etc,queue,data}, start master; prints the config dir
#   private-postfix.sh fill DIR      queue a realistic mix (local users, -f senders, held, deferred with remote-like replies)
#   private-postfix.sh submit DIR LOGIN FROM TO [CLIENT_IP]   one message as SASL user LOGIN (via XCLIENT); prints the SMTP status
#   private-postfix.sh send DIR USER FROM TO                  one message submitted locally (sendmail) as USER
#   private-postfix.sh stop DIR      stop master (by its pid file) and remove DIR
#
# Needs root (master, postsuper) and the postfix package. sendmail run by other users with a private config
# directory must be allowed by the default /etc/postfix/main.cf (alternate_config_directories): we append DIR/etc.
set -euo pipefail
cmd=${1:?usage: private-postfix.sh start|fill|submit|send|stop DIR}
dir=${2:?usage: private-postfix.sh start|fill|submit|send|stop DIR}
etc="$dir/etc"

# Rewrites alternate_config_directories: keeps other entries that still exist, adds or drops ours. Same lock as
# the lab's lab/bin/alternate-config.sh, so concurrent runs do not lose each other's entries; the value is read from
# the file (postconf -h may resolve the host name: slow offline).
alternate_config() (
  local action=$1 main=/etc/postfix/main.cf entry kept=()
  mkdir -p /etc/postfix
  exec 9>/etc/postfix/.spamtrace-lab.lock
  flock -w 30 9
  [[ -f $main ]] || printf 'compatibility_level = 3.6\n' >"$main"
  for entry in $(sed -n 's/^alternate_config_directories[[:space:]]*=//p' "$main" | tr ',' ' '); do
    [[ $entry == "$etc" || ! -d $entry ]] && continue
    kept+=("$entry")
  done
  [[ $action == add ]] && kept+=("$etc")
  postconf -c /etc/postfix -e "alternate_config_directories = ${kept[*]}"
)

start() {
  mkdir -p "$etc" "$dir/queue" "$dir/data"
  chmod 755 "$dir" # mktemp -d makes it 0700: the postfix user must reach its queue and data directories
  chown postfix: "$dir/data"
  cat >"$etc/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.queue-test.example
mydomain = queue-test.example
myorigin = \$myhostname
mydestination =
inet_protocols = ipv4
inet_interfaces = loopback-only
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
syslog_name = postfix-queuetest
# Everything leaves through a closed port (discard service on 127.0.0.1:9 is never running): mail stays deferred.
relayhost = [127.0.0.1]:9
smtp_dns_support_level = disabled
smtp_connect_timeout = 2s
transport_maps = texthash:$etc/transport
queue_run_delay = 3600s
minimal_backoff_time = 3600s
maximal_backoff_time = 3600s
smtpd_authorized_xclient_hosts = 127.0.0.1
# XCLIENT LOGIN= sets sasl_username only when SASL is on; cyrus initialises without any server running.
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = cyrus
smtpd_relay_restrictions = permit_sasl_authenticated, permit_mynetworks, reject_unauth_destination
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
CF
  # Remote-like refusals without any network: the retry/error transports use the next-hop text as the reason.
  cat >"$etc/transport" <<'TR'
yahoo.example retry:4.7.0 host mta7.am0.yahoodns.example[192.0.2.7] said: 421 4.7.0 [TS03] All messages from 198.51.100.25 will be permanently deferred; Retrying will NOT succeed. See https://postmaster.yahooinc.com/error-codes
gmail.example retry:4.7.28 host gmail-smtp-in.l.google.example[192.0.2.27] said: 421-4.7.28 Gmail has detected an unusual rate of unsolicited mail originating from your DKIM domain
TR
  cat >"$etc/master.cf" <<'MC'
# No inet service at all: this instance never listens on a network port.
submit-xclient unix n - n - - smtpd
pickup    fifo  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      fifo  n       -       n       300     1       qmgr
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
relay     unix  -       -       n       -       -       smtp
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
MC
  alternate_config add
  postfix -c "$etc" check >/dev/null 2>&1 || postfix -c "$etc" set-permissions >/dev/null 2>&1 || true
  postfix -c "$etc" start
  for _ in $(seq 50); do [[ -S $dir/queue/public/showq ]] && break; sleep 0.1; done
  echo "$etc"
}

stop() {
  if [[ -f $dir/queue/pid/master.pid ]]; then
    postfix -c "$etc" stop >/dev/null 2>&1 || kill "$(tr -d ' ' <"$dir/queue/pid/master.pid")" 2>/dev/null || true
    for _ in $(seq 50); do [[ -f $dir/queue/pid/master.pid ]] && kill -0 "$(tr -d ' ' <"$dir/queue/pid/master.pid")" 2>/dev/null || break; sleep 0.1; done
  fi
  alternate_config remove
  rm -rf "$dir"
}

# One message submitted locally by USER (setpriv keeps us from needing su/login shells for nologin accounts).
send_as() {
  local user=$1 from=$2 to=$3 subject=$4
  local uid gid
  uid=$(id -u "$user"); gid=$(id -g "$user")
  printf 'From: %s\nTo: %s\nSubject: %s\n\nqueue test body\n' "$from" "$to" "$subject" |
    setpriv --reuid="$uid" --regid="$gid" --clear-groups sendmail -C "$etc" -f "$from" "$to"
}

# One message as if SASL user LOGIN had authenticated from CLIENT_IP (XCLIENT over the unix-socket smtpd).
submit() {
  local login=$1 from=$2 to=$3 client=${4:-203.0.113.9}
  swaks --socket "$dir/queue/public/submit-xclient" --xclient "LOGIN=$login ADDR=$client" \
    -f "$from" -t "$to" --h-Subject "from $login" --body "queue test body" --silent 2
}

fill() {
  send_as root root@mx.queue-test.example ops@partner.example "cron report"
  for i in 1 2 3; do send_as www-data "news$i@shop.example" "victim$i@yahoo.example" "cheap pills $i"; done
  send_as www-data bulk@shop.example "a@gmail.example" "offer"
  send_as nobody nobody@mx.queue-test.example "x@other.example" "legit"
  for i in 1 2 3 4; do submit alice "promo$i@queue-test.example" "target$i@outlook.example" "203.0.113.$i"; done
  submit bob bob@queue-test.example friend@partner.example 198.51.100.77
}

case $cmd in
  start) start ;;
  fill) fill ;;
  submit) shift 2; submit "$@" ;;
  send) shift 2; send_as "$1" "$2" "$3" "${4:-test}" ;;
  stop) stop ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
