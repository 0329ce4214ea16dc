namespace SpamTrace.Policy.Store;

/// <summary>
/// The embedded store's SQLite file cannot be read. Restarting cannot fix it, so the service exits with
/// <see cref="ExitCode"/>, which the systemd unit lists in RestartPreventExitStatus instead of restarting in a loop.
/// </summary>
public sealed class StoreCorruptException(string path, string error)
    : Exception($"store.path {path} is not a readable SQLite database ({error}). Move it aside and start again with an empty store: " +
        $"mv {Common.ShellQuote.Quote(path)} {Common.ShellQuote.Quote(path + ".corrupt")} (counters start from zero; contained accounts must be blocked again with spamtrace policy block)")
{
    /// <summary>EX_CONFIG from sysexits.h: a fault the admin must fix, not a transient one.</summary>
    public const int ExitCode = 78;

    public string Path { get; } = path;
}
