#!/usr/bin/env bash
# Greylisting benchmark: spamtrace policy (greylist section; embedded store, then Redis) beside Debian's postgrey with
# the same settings (delay, retry window, max age, auto-whitelist, Debian's whitelists), measured in the same run by the
# same load generator on the same unauthenticated inbound RCPTs (SpamTrace.PolicyBench --inbound).
#   bench/policy/compare-greylist.sh                       # 1 and 50 connections, 3 s each
#   LEVELS=1,10,50 SECONDS_PER_LEVEL=5 bench/policy/compare-greylist.sh
#   ONLY=spamtrace LOG_PASSES=false bench/policy/compare-greylist.sh   # spamtrace alone, logging only changes
# The delay is 2 s so that a short run sees first attempts, early retries and passes alike. Both services log every
# decision (postgrey to its standard output, spamtrace to its console log), each to a file. SPF pools are off: the
# benchmark sends nothing but loopback traffic, and a DNS lookup is not what is measured.
# Needs: the .NET SDK, redis-server and postgrey (deps/policy.txt, deps/greylist.txt).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
levels="${LEVELS:-1,50}"
seconds="${SECONDS_PER_LEVEL:-3}"
work="$(mktemp -d /tmp/spamtrace-greylist-bench.XXXXXX)"
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

for tool in redis-server postgrey; do
  command -v "$tool" >/dev/null || [[ -x /usr/sbin/$tool ]] || { echo "compare-greylist.sh: $tool not installed (apt-get install redis-server postgrey)" >&2; exit 2; }
done

dotnet build -c Release --nologo -v quiet src/SpamTrace.Cli/SpamTrace.Cli.csproj >/dev/null
dotnet build -c Release --nologo -v quiet bench/policy/SpamTrace.PolicyBench.csproj >/dev/null
cli="$root/src/SpamTrace.Cli/bin/Release/net10.0/SpamTrace.Cli"
load="$root/bench/policy/bin/Release/net10.0/SpamTrace.PolicyBench"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 1 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "compare-greylist.sh: nothing listens on port $1" >&2; return 1
}
config() { # $1 port, $2 store JSON
  cat <<JSON
{
  "listen": { "tcp": "127.0.0.1:$1" },
  "store": $2,
  "greylist": {
    "delay": "2s", "retryWindow": "2d", "maxAge": "35d", "autoWhitelist": 5,
    "whitelistClients": ["/etc/postgrey/whitelist_clients"], "whitelistRecipients": ["/etc/postgrey/whitelist_recipients"],
    "spfPools": { "enabled": false }, "logPasses": ${LOG_PASSES:-true}
  }
}
JSON
}

echo "# greylisting: spamtrace policy vs postgrey $(/usr/sbin/postgrey --version 2>/dev/null | awk '{print $2}'): $(nproc) cores, $(date -u +%FT%TZ), ${seconds}s per level"
echo
echo "| service | connections | decisions/s | p50 ms | p99 ms | server CPU µs/decision | server RSS MiB | replies |"
echo "|---|---|---|---|---|---|---|---|"

# 1. spamtrace, embedded store (persisted to SQLite), as the systemd unit runs it (workstation GC).
port="$(free_port)"
config "$port" "{ \"type\": \"embedded\", \"path\": \"$work/policy.db\" }" >"$work/embedded.json"
DOTNET_gcServer=0 "$cli" policy serve -c "$work/embedded.json" >"$work/embedded.log" 2>&1 &
pid=$!; pids+=("$pid")
wait_port "$port"
"$load" --inbound --target "127.0.0.1:$port" --pid "$pid" --label "spamtrace (embedded)" --connections "$levels" --seconds "$seconds"
kill "$pid"; wait "$pid" 2>/dev/null || true

# 2. spamtrace, Redis store (a private redis-server, no persistence).
rport="$(free_port)"
redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no >"$work/redis.log" 2>&1 &
rpid=$!; pids+=("$rpid")
wait_port "$rport"
port="$(free_port)"
config "$port" "{ \"type\": \"redis\", \"redis\": \"127.0.0.1:$rport\" }" >"$work/redis.json"
DOTNET_gcServer=0 "$cli" policy serve -c "$work/redis.json" >"$work/redis-service.log" 2>&1 &
pid=$!; pids+=("$pid")
wait_port "$port"
"$load" --inbound --target "127.0.0.1:$port" --pid "$pid,$rpid" --label "spamtrace (redis; CPU, RSS incl. redis-server)" --connections "$levels" --seconds "$seconds"
kill "$pid"; wait "$pid" 2>/dev/null || true
kill "$rpid"; wait "$rpid" 2>/dev/null || true

# 3. postgrey, same settings, its own database directory (owned by its user when run as root).
port="$(free_port)"
mkdir -p "$work/postgrey"
user="$(id -un)"
if [[ $(id -u) -eq 0 ]]; then user=postgrey; chown postgrey: "$work/postgrey"; fi
/usr/sbin/postgrey --inet="127.0.0.1:$port" --dbdir="$work/postgrey" --user="$user" --group="$(id -gn "$user")" \
  --delay=2 --retry-window=2 --max-age=35 --auto-whitelist-clients=5 \
  --whitelist-clients=/etc/postgrey/whitelist_clients --whitelist-recipients=/etc/postgrey/whitelist_recipients \
  --greylist-text='Greylisted, retry in %s seconds' >"$work/postgrey.log" 2>&1 &
pid=$!; pids+=("$pid")
wait_port "$port"
"$load" --inbound --target "127.0.0.1:$port" --pid "$pid" --label "postgrey" --connections "$levels" --seconds "$seconds"
kill "$pid"; wait "$pid" 2>/dev/null || true
