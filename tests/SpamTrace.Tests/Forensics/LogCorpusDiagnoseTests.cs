using SpamTrace.Forensics;
using SpamTrace.Logs;
using SpamTrace.Logs.Reading;
using SpamTrace.Reports.Diagnose;
using SpamTrace.Tests.Support;
using Xunit.Abstractions;

namespace SpamTrace.Tests.Forensics;

/// <summary>diagnose over every log of ../shared/corpora/logs: no crash, renderable, and no accusation of these ordinary servers.</summary>
public class LogCorpusDiagnoseTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Every_corpus_log_diagnoses_without_error_and_accuses_nobody()
    {
        var logs = SharedCorpora.Find("logs");
        Skip.If(logs is null, "../shared/corpora/logs not found next to the repository: corpus diagnose not checked");
        var files = Directory.EnumerateFiles(logs!, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith("LICENSE", StringComparison.Ordinal) && !Path.GetFileName(f).StartsWith("COPYING", StringComparison.Ordinal)
                && Path.GetFileName(f) != "SOURCE_COMMIT" && !f.EndsWith(".yml", StringComparison.Ordinal) && !f.EndsWith(".jsonl", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.NotEmpty(files);
        var outbound = 0L;
        foreach (var file in files)
        {
            var (inputs, _) = LogDiscovery.Resolve([file]);
            var run = DiagnoseService.Run(inputs, new LogEngineOptions(), UidNames.None, null, null);
            var d = run.Diagnosis;
            output.WriteLine($"{Path.GetRelativePath(logs!, file)}: {d.Chains} messages, {d.OutboundMessages} outbound, {d.Origins.Count} origins, culprits: {string.Join(", ", d.Culprits.Select(c => c.Id))}; "
                + $"top: {string.Join(", ", d.Origins.Take(3).Select(o => $"{o.Id} {o.Score} ({o.Verdict})"))}; our domains: {string.Join(", ", d.OwnDomains.Keys)}");
            Assert.Empty(d.Culprits);
            Assert.All(d.Origins, o => Assert.Equal(o.Score, o.Evidence.Sum(e => e.Points)));
            Assert.Equal(d.RemoteRecipients, d.Origins.Sum(o => o.Stats.ExternalRecipients));
            Assert.All(d.Origins, o => Assert.Equal(o.Score >= Detector.CulpritScore, o.IsCulprit));
            using var json = new MemoryStream();
            DiagnoseJsonWriter.Write(json, run);
            Assert.NotEmpty(DiagnoseHtmlWriter.Render(run));
            outbound += d.OutboundMessages;
        }
        Assert.True(outbound > 0, "no outbound mail found in any corpus log: attribution is broken");
    }
}
