using System.Text.Json;
using SpamTrace.Forensics;
using SpamTrace.Logs;
using SpamTrace.Logs.Reading;
using SpamTrace.Reports.Diagnose;
using SpamTrace.Tests.Support;

namespace SpamTrace.Tests.Forensics;

/// <summary>
/// diagnose end to end (log engine included) on the real Postfix logs the lab committed under lab/fixtures:
/// the verdict names exactly the culprits of each manifest and none of its legitimate senders.
/// </summary>
public class LabFixtureTests
{
    public static TheoryData<string> Fixtures()
    {
        var data = new TheoryData<string>();
        foreach (var name in new[] { "stolen-password", "hacked-script", "open-relay", "backscatter", "queue-states", "sample-incident" })
        {
            data.Add(name);
        }
        return data;
    }

    /// <summary>lab/fixtures of this checkout (SPAMTRACE_LAB_FIXTURES points elsewhere, e.g. at a fresh lab run).</summary>
    internal static string? FixtureDir(string name)
    {
        var root = Environment.GetEnvironmentVariable("SPAMTRACE_LAB_FIXTURES")
            ?? (SharedCorpora.RepositoryRoot() is { } repo ? Path.Combine(repo, "lab", "fixtures") : null);
        var dir = root is null ? null : Path.Combine(root, name);
        return dir is not null && File.Exists(Path.Combine(dir, "maillog")) && File.Exists(Path.Combine(dir, "manifest.json")) ? dir : null;
    }

    [SkippableTheory]
    [MemberData(nameof(Fixtures))]
    public void The_verdict_names_exactly_the_culprits_of_the_manifest(string name)
    {
        var dir = FixtureDir(name);
        Skip.If(dir is null, $"lab/fixtures/{name} not in this checkout: end-to-end diagnose not checked on it");
        var run = Diagnose(dir!);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir!, "manifest.json")));
        LabVerdict.AssertMatches(manifest.RootElement, run.Diagnosis);

        // The renderers take the real thing too.
        using var json = new MemoryStream();
        DiagnoseJsonWriter.Write(json, run);
        using var parsed = JsonDocument.Parse(json.ToArray());
        Assert.Equal(run.Diagnosis.SpamFound, parsed.RootElement.GetProperty("spam_found").GetBoolean());
        Assert.Contains("<svg", DiagnoseHtmlWriter.Render(run), StringComparison.Ordinal);
    }

    [SkippableFact]
    public void The_queue_snapshot_counts_what_the_culprit_still_has_waiting()
    {
        var dir = FixtureDir("stolen-password");
        Skip.If(dir is null || !File.Exists(Path.Combine(dir, "postqueue.json")), "lab/fixtures/stolen-password with postqueue.json not in this checkout");
        var run = Diagnose(dir!, Path.Combine(dir!, "postqueue.json"));
        var queue = QueueSnapshot.Read(Path.Combine(dir!, "postqueue.json"));
        Assert.Equal(queue.Count, run.Diagnosis.QueueTotal);
        var culprit = Assert.Single(run.Diagnosis.Culprits);
        // Every queued message whose sender is the stolen login, and none of the others', is counted for it.
        var expected = queue.Count(m => string.Equals(m.Sender, culprit.Id.Key, StringComparison.OrdinalIgnoreCase) || culprit.Stats.OpenQueueIds.Contains(m.QueueId));
        Assert.Equal(expected, culprit.Queued);
    }

    internal static DiagnoseRun Diagnose(string dir, string? queue = null)
    {
        var (inputs, errors) = LogDiscovery.Resolve([Path.Combine(dir, "maillog")]);
        Assert.Empty(errors);
        return DiagnoseService.Run(inputs, new LogEngineOptions(), UidNames.None, queue, null);
    }
}

/// <summary>Compares a diagnosis with a lab manifest's expected_culprits and legitimate_senders.</summary>
public static class LabVerdict
{
    public static void AssertMatches(JsonElement manifest, Diagnosis diagnosis)
    {
        var culprits = diagnosis.Culprits.Select(c => c.Id).ToHashSet();
        var expected = new HashSet<OriginId>();
        foreach (var e in manifest.GetProperty("expected_culprits").EnumerateArray())
        {
            switch (e.GetProperty("kind").GetString())
            {
                case "sasl":
                    expected.Add(new OriginId(CulpritKind.Sasl, e.GetProperty("user").GetString()!));
                    break;
                case "local":
                    var uid = e.GetProperty("uid").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture);
                    expected.Add(new OriginId(CulpritKind.Local, uid));
                    if (e.TryGetProperty("script", out var script))
                    {
                        var c = diagnosis.Culprits.FirstOrDefault(x => x.Id.Kind == CulpritKind.Local && x.Id.Key == uid);
                        Assert.True(c is not null, $"uid {uid} not named; culprits: {string.Join(", ", culprits)}");
                        Assert.Equal(script.GetString(), c!.MainScript);
                    }
                    break;
                case "relay":
                    foreach (var ip in e.GetProperty("client_ips").EnumerateArray())
                    {
                        expected.Add(new OriginId(CulpritKind.Relay, ip.GetString()!));
                    }
                    break;
                case "backscatter":
                    expected.Add(new OriginId(CulpritKind.Bounce, ""));
                    break;
                default:
                    Assert.Fail($"unknown expected culprit kind in manifest: {e}");
                    break;
            }
        }
        var report = string.Join("; ", diagnosis.Origins.Take(10).Select(o => $"{o.Id} {o.Score}/{o.AbusePoints} [{string.Join(",", o.Evidence.Select(ev => ev.Code))}]"));
        Assert.True(expected.SetEquals(culprits), $"expected {string.Join(", ", expected)}; named {string.Join(", ", culprits)}; origins: {report}");

        foreach (var l in manifest.GetProperty("legitimate_senders").EnumerateArray())
        {
            var id = l.GetProperty("kind").GetString() switch
            {
                "sasl" => new OriginId(CulpritKind.Sasl, l.GetProperty("user").GetString()!),
                "local" => new OriginId(CulpritKind.Local, l.GetProperty("uid").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture)),
                "relay" => new OriginId(CulpritKind.Relay, l.GetProperty("client_ip").GetString()!),
                var k => throw new InvalidOperationException($"unknown legitimate sender kind {k}"),
            };
            Assert.DoesNotContain(id, culprits);
        }
        Assert.Equal(expected.Count > 0, diagnosis.SpamFound);
    }
}
