#!/usr/bin/env bash
# Policy service benchmark: spamtrace policy (embedded store, then Redis) beside Debian's postfwd1 (-n), with the same
# per-user and per-client-IP rate rules, measured in the same run by the same load generator.
#   bench/policy/compare.sh                       # 1, 10, 50, 100 connections, 3 s each
#   LEVELS=50 SECONDS_PER_LEVEL=5 bench/policy/compare.sh
# Needs: the .NET SDK, redis-server and postfwd (deps/bench-policy.txt, deps/policy.txt).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
levels="${LEVELS:-1,10,50,100}"
seconds="${SECONDS_PER_LEVEL:-3}"
work="$(mktemp -d /tmp/spamtrace-policy-bench.XXXXXX)"
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [[ -f "$work/postfwd.pid" ]] && kill "$(cat "$work/postfwd.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

for tool in redis-server postfwd1; do
  command -v "$tool" >/dev/null || { echo "compare.sh: $tool not installed (apt-get install redis-server postfwd)" >&2; exit 2; }
done

dotnet build -c Release --nologo -v quiet src/SpamTrace.Cli/SpamTrace.Cli.csproj >/dev/null
dotnet build -c Release --nologo -v quiet bench/policy/SpamTrace.PolicyBench.csproj >/dev/null
cli="$root/src/SpamTrace.Cli/bin/Release/net10.0/SpamTrace.Cli"
load="$root/bench/policy/bin/Release/net10.0/SpamTrace.PolicyBench"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "compare.sh: nothing listens on port $1" >&2; return 1
}
config() { # $1 port, $2 store JSON
  cat <<JSON
{
  "listen": { "tcp": "127.0.0.1:$1" },
  "store": $2,
  "limits": [
    { "name": "user", "key": "sasl_username", "count": "messages", "windows": ["1000/1h"] },
    { "name": "ip", "key": "client_address", "count": "messages", "windows": ["5000/1h"] }
  ]
}
JSON
}

echo "# spamtrace policy vs postfwd1: $(nproc) cores, $(date -u +%FT%TZ), ${seconds}s per level"
echo
echo "| service | connections | requests/s | p50 ms | p99 ms | server CPU µs/request | server RSS MiB | replies |"
echo "|---|---|---|---|---|---|---|---|"

# 1. spamtrace, embedded store (persisted to SQLite).
port="$(free_port)"
config "$port" "{ \"type\": \"embedded\", \"path\": \"$work/policy.db\" }" >"$work/embedded.json"
# As dist/spamtrace-policy.service runs it: with the workstation GC (the CLI's default is the server GC, for diagnose).
DOTNET_gcServer=0 "$cli" policy serve -c "$work/embedded.json" >"$work/embedded.log" 2>&1 &
pid=$!; pids+=("$pid")
wait_port "$port"
"$load" --target "127.0.0.1:$port" --pid "$pid" --label "spamtrace (embedded)" --connections "$levels" --seconds "$seconds"
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
"$load" --target "127.0.0.1:$port" --pid "$pid,$rpid" --label "spamtrace (redis; CPU, RSS incl. redis-server)" --connections "$levels" --seconds "$seconds"
kill "$pid"; wait "$pid" 2>/dev/null || true
kill "$rpid"; wait "$rpid" 2>/dev/null || true

# 3. postfwd1, no DNS, same two rate rules, no logging (-P), measured with its forked children.
port="$(free_port)"
cp "$root/bench/policy/postfwd.cf" "$work/postfwd.cf"
postfwd1 -n -P -d -f "$work/postfwd.cf" -i 127.0.0.1 -p "$port" --pidfile "$work/postfwd.pid" -u nobody -g nogroup >"$work/postfwd.log" 2>&1
wait_port "$port"
"$load" --target "127.0.0.1:$port" --pid "$(cat "$work/postfwd.pid")" --tree --label "postfwd1 -n" --connections "$levels" --seconds "$seconds"

# 4. What the service's own code costs per request (parse + decide, no sockets), in CPU time: independent of the load
# that other processes put on the machine, unlike the rates above.
echo
"$load" inprocess --seconds 2 --parse-only
"$load" inprocess --seconds 2
