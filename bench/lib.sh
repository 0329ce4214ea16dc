# Sourced by the whole-process comparisons (compare-logs.sh, compare-diagnose.sh): builds what they run and makes or
# names the log they read. Needs root, dir, size and seed set; sets cli, gen and log. LOG=FILE names a real log.
bench_prepare() {
  "$root/spamtrace" --version >/dev/null   # publishes the ReadyToRun build users run into artifacts/cli
  dotnet build "$root/bench/SpamTrace.Bench/SpamTrace.Bench.csproj" -c Release --nologo -v quiet >/dev/null
  cli="$root/artifacts/cli/SpamTrace.Cli.dll"
  gen="$root/bench/SpamTrace.Bench/bin/Release/net10.0/SpamTrace.Bench.dll"
  log="${LOG:-$dir/maillog-$size-seed$seed}"
  if [[ -z "${LOG:-}" && ! -s "$log" ]]; then
    echo "generating $log..." >&2
    dotnet "$gen" generate --size "$size" --seed "$seed" -o "$log"
  fi
}
