# Shared helpers for the lab scripts (sourced, not executed).
# Every lab run lives in RUN_DIR and in its own network namespace named after it.

lab_die() { echo "lab: $*" >&2; exit 1; }
lab_log() { echo "lab: $*" >&2; }

lab_home() { cd "$(dirname "${BASH_SOURCE[0]}")" && pwd; }

# Resolves the run directory argument (default lab/run/default) to an absolute path.
lab_run_dir() {
  local given="${1:-}"
  if [[ -z $given ]]; then given="$(lab_home)/run/default"; fi
  mkdir -p "$given"
  (cd "$given" && pwd)
}

# Namespace name: readable (basename) and unique per absolute path (hash), so runs can coexist.
lab_netns_name() {
  local dir="$1" base hash
  base="$(basename "$dir" | tr -d "\n" | tr -c 'A-Za-z0-9_.-' '-' | cut -c1-24)"
  hash="$(printf '%s' "$dir" | sha1sum | cut -c1-8)"
  echo "stlab-${base}-${hash}"
}

lab_require_root() {
  [[ $(id -u) -eq 0 ]] || lab_die "must run as root (network namespace, postfix, dovecot)"
}

# Checks the commands the lab needs; prints the missing ones.
lab_missing_commands() {
  local missing=()
  local c
  for c in postfix postconf postqueue postsuper postcat postmap postlog smtp-sink sendmail dovecot swaks php ip ss openssl python3 setpriv flock; do
    command -v "$c" >/dev/null 2>&1 || [[ -x /usr/sbin/$c ]] || missing+=("$c")
  done
  echo "${missing[*]}"
}

# Waits until every given "addr:port" listens inside the namespace (ss, not connect: a connect would be logged).
lab_wait_ports() {
  local ns="$1"; shift
  local deadline=$((SECONDS + 20)) want listening missing
  while :; do
    listening="$(ip netns exec "$ns" ss -Hltn 2>/dev/null | awk '{print $4}')"
    missing=""
    for want in "$@"; do
      grep -qxF "$want" <<<"$listening" || missing+=" $want"
    done
    [[ -z $missing ]] && return 0
    local pf
    for pf in "${LAB_WAIT_PIDFILES[@]:-}"; do
      [[ -n $pf && -f $pf ]] || continue
      lab_pid_alive "$(cat "$pf")" || lab_die "$(basename "$pf" .pid) exited: $(tail -3 "$(dirname "$(dirname "$pf")")/logs/$(basename "$pf" .pid).log" 2>/dev/null)"
    done
    ((SECONDS > deadline)) && lab_die "ports not listening after 20 s:$missing"
    sleep 0.05
  done
}

# Starts a foreground program as a daemon inside the namespace: new session, no inherited stdio, PID recorded.
lab_spawn() {
  local ns="$1" pidfile="$2" logfile="$3"; shift 3
  setsid ip netns exec "$ns" "$@" </dev/null >>"$logfile" 2>&1 &
  echo $! >"$pidfile"
}

# Alive = exists and is not a zombie (daemons outlive their starter; whoever reaps them may be slow to do so).
lab_pid_alive() {
  [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null || return 1
  local state
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true)"
  [[ -n $state && $state != Z ]]
}

# Stops a process by PID: TERM, wait up to 5 s, then KILL.
lab_stop_pid() {
  local pid="$1" i
  lab_pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 100); do lab_pid_alive "$pid" || return 0; sleep 0.05; done
  kill -KILL "$pid" 2>/dev/null || true
}
