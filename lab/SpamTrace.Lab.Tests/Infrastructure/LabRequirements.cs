namespace SpamTrace.Lab.Tests.Infrastructure;

/// <summary>
/// Whether this machine can run the lab (root, the Debian packages of deps/lab.txt). When it cannot, lab tests
/// fail in CI (CI=true: the suite must not silently lose its integration tests) and skip visibly elsewhere.
/// </summary>
public static class LabRequirements
{
    private static readonly string[] Commands =
    [
        "postfix", "postconf", "postqueue", "postsuper", "postcat", "postmap", "postlog", "smtp-sink", "sendmail",
        "dovecot", "swaks", "php", "ip", "ss", "openssl", "setpriv", "flock",
    ];

    private static readonly string[] SearchPath = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    /// <summary>Null when the lab can run, else why not (naming what is missing and how to fix it).</summary>
    public static string? WhyUnavailable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "the lab needs Linux (network namespaces, Debian's Postfix)";
        }
        if (!Environment.IsPrivilegedProcess)
        {
            return "the lab needs root (network namespace, Postfix, Dovecot): run ./test.sh as root";
        }
        var missing = Commands.Where(c => !SearchPath.Any(d => File.Exists(Path.Combine(d, c)))).ToList();
        if (!File.Exists("/usr/bin/python3"))
        {
            missing.Add("python3");
        }
        return missing.Count == 0
            ? null
            : $"missing lab commands: {string.Join(", ", missing)} (install with deps/install.sh; packages in deps/lab.txt)";
    }

    public static bool InCi() =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}
