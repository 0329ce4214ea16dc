using SpamTrace.Logs.Reading;

namespace SpamTrace.Cli;

/// <summary>
/// The lab's sample incident (lab/fixtures/sample-incident/maillog), embedded through a csproj link: a real
/// Postfix log of a stolen account, for a first run on a machine without a mail log.
/// </summary>
public static class SampleIncident
{
    public const string ResourceName = "SpamTrace.Cli.SampleIncident.maillog";
    public const string Note = "running on the bundled sample incident (lab/fixtures/sample-incident/maillog, a real Postfix lab log); pass log paths to diagnose your own server.";

    public static bool Available => typeof(SampleIncident).Assembly.GetManifestResourceInfo(ResourceName) is not null;

    public static IReadOnlyList<LogInput> Inputs()
    {
        if (!Available)
        {
            throw new UserFacingException("this build carries no sample incident (lab/fixtures/sample-incident/maillog was missing at build time); pass log paths");
        }
        var asm = typeof(SampleIncident).Assembly;
        // Its date fixes the year of classic syslog timestamps: the build time of the binary is close enough to the fixture's.
        // Assembly.Location is empty in a single-file binary: take the file that holds this code instead.
        var dll = Path.Combine(AppContext.BaseDirectory, "SpamTrace.Cli.dll");
        var holder = File.Exists(dll) ? dll : Environment.ProcessPath;
        var written = holder is null ? DateTime.UtcNow : File.GetLastWriteTimeUtc(holder);
        return [new LogInput("sample-incident/maillog (embedded)", () => asm.GetManifestResourceStream(ResourceName)!, written)];
    }
}
