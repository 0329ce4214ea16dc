using SpamTrace.Tests.Support;

namespace SpamTrace.Tests.Parsing;

/// <summary>The log corpora (../shared/corpora/logs) for the parser's corpus tests.</summary>
internal static class Corpora
{
    /// <summary>Skips the calling test with a visible reason when the corpora are not there.</summary>
    public static string RequireLogs()
    {
        var logs = SharedCorpora.Find("logs");
        Skip.If(logs is null, "../shared/corpora/logs not found next to the repository: corpus test skipped");
        return logs!;
    }
}
