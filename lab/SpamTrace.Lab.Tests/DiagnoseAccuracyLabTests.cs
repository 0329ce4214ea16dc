using System.Text.Json;
using SpamTrace.Forensics;
using SpamTrace.Lab.Tests.Infrastructure;
using SpamTrace.Logs;
using SpamTrace.Logs.Reading;
using SpamTrace.ServerKnowledge;

namespace SpamTrace.Lab.Tests;

/// <summary>
/// diagnose on randomized lab incidents (lab/scenarios/incident.py): a fixed set of seeds that together cover every
/// attack kind, receivers that refuse nothing and earlier days of ordinary traffic. Each must name every culprit with
/// the right kind and key (a hacked script with its script) and accuse no legitimate origin. The incidents play in
/// parallel, each in a lab of its own. lab/accuracy.sh runs any number of seeds and prints the table.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Lab")]
public sealed class DiagnoseAccuracyLabTests(LabFixture lab)
{
    /// <summary>Seed, attacks, receivers' refusals ("none" or "some") and earlier days: every kind with and without refusals.</summary>
    private static readonly (int Seed, string Kinds, string Refusals, int Days)[] Incidents =
    [
        (101, "stolen-password,backscatter", "none", 2),
        (102, "hacked-script,open-relay", "none", 0),
        (103, "stolen-password,hacked-script", "some", 0),
        (104, "open-relay,backscatter", "some", 2),
    ];

    private sealed record Truth(List<TruthOrigin> Culprits, List<TruthOrigin> Legitimate);

    private sealed record TruthOrigin(string Kind, string Key, string? Script);

    [SkippableFact]
    public void Every_culprit_is_named_with_its_kind_and_key_and_no_legitimate_origin_is_accused()
    {
        lab.Require();
        var outcomes = Incidents.AsParallel().WithDegreeOfParallelism(Incidents.Length).Select(Play).ToList();
        var failures = outcomes.Where(o => o.Length > 0).ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>Plays one incident in a lab of its own and judges it; returns what was wrong (empty when right).</summary>
    private static string Play((int Seed, string Kinds, string Refusals, int Days) incident)
    {
        using var run = LabRun.StartNew($"acc{incident.Seed}");
        var path = LabProcess.Check(LabPaths.Script("scenario.sh"),
            [run.RunDirectory, "incident", "--seed", incident.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "--kinds", incident.Kinds, "--refusals", incident.Refusals, "--days", incident.Days.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            TimeSpan.FromSeconds(240)).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim();
        using var manifest = JsonDocument.Parse(File.ReadAllText(path));
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        var truth = manifest.RootElement.GetProperty("truth").Deserialize<Truth>(options)!;
        var log = manifest.RootElement.GetProperty("maillog_incident").GetString()!;

        var (inputs, errors) = LogDiscovery.Resolve([log]);
        Assert.Empty(errors);
        var server = PostconfReader.Read(new SpamTrace.Queue.ProcessRunner(), run.ConfigDirectory);
        var diagnosis = DiagnoseService.Run(inputs, new LogEngineOptions(), UidNames.FromFile("/etc/passwd"), null, null, default, server).Diagnosis;

        var named = diagnosis.Culprits.ToDictionary(c => (c.Id.KindName, c.Id.Key));
        var wrong = new List<string>();
        foreach (var c in truth.Culprits)
        {
            if (!named.TryGetValue((c.Kind, c.Key), out var got))
            {
                var seen = diagnosis.Origins.FirstOrDefault(o => o.Id.KindName == c.Kind && o.Id.Key == c.Key);
                wrong.Add($"missed {c.Kind}:{c.Key} ({(seen is null ? "not an origin" : $"score {seen.Score} [{string.Join(",", seen.Evidence.Select(e => e.Code))}]")})");
            }
            else if (c.Script is not null && got.MainScript != c.Script)
            {
                wrong.Add($"{c.Kind}:{c.Key} named with script {got.MainScript}, not {c.Script}");
            }
        }
        foreach (var l in truth.Legitimate.Where(l => named.ContainsKey((l.Kind, l.Key))))
        {
            var a = named[(l.Kind, l.Key)];
            wrong.Add($"legitimate {l.Kind}:{l.Key} accused (score {a.Score} [{string.Join(",", a.Evidence.Select(e => e.Code))}])");
        }
        var known = truth.Culprits.Select(c => (c.Kind, c.Key)).ToHashSet();
        wrong.AddRange(named.Keys.Where(k => !known.Contains(k) && !truth.Legitimate.Any(l => (l.Kind, l.Key) == k))
            .Select(k => $"{k.KindName}:{k.Key} accused, neither culprit nor legitimate"));
        return wrong.Count == 0 ? "" : $"seed {incident.Seed} ({incident.Kinds}, refusals {incident.Refusals}, {incident.Days} earlier days): {string.Join("; ", wrong)}";
    }
}
