using SpamTrace.Logs.Parsing;
using SpamTrace.Tests.Support;
using Xunit.Abstractions;

namespace SpamTrace.Tests.Parsing;

/// <summary>The lab's maillogs were written by a real Postfix 3.7 + amavisd-new + dovecot: every line must be understood.</summary>
public class LabFixtureTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Every_line_of_the_lab_maillogs_is_recognised()
    {
        var root = SharedCorpora.RepositoryRoot();
        var fixtures = root is null ? null : Path.Combine(root, "lab", "fixtures");
        Skip.If(fixtures is null || !Directory.Exists(fixtures), "lab/fixtures not in this checkout yet: skipped");
        var logs = Directory.GetFiles(fixtures!, "maillog", SearchOption.AllDirectories);
        Skip.If(logs.Length == 0, "no lab/fixtures/*/maillog yet: skipped");
        var unknown = new List<string>();
        int lines = 0;
        foreach (var log in logs)
        {
            foreach (var line in File.ReadLines(log))
            {
                lines++;
                var p = ParsedLine.Of(line);
                if (p.Kind == EventKind.Unknown)
                {
                    unknown.Add($"{Path.GetFileName(Path.GetDirectoryName(log))}: {line}");
                }
            }
        }
        output.WriteLine($"lab fixtures: {logs.Length} maillogs, {lines} lines, {unknown.Count} unknown");
        unknown.ForEach(output.WriteLine);
        Assert.True(lines > 0);
        Assert.Empty(unknown);
    }
}
