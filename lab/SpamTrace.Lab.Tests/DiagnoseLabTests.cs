using System.Globalization;
using SpamTrace.Forensics;
using SpamTrace.Lab.Tests.Infrastructure;
using SpamTrace.Logs;
using SpamTrace.Logs.Reading;

namespace SpamTrace.Lab.Tests;

/// <summary>
/// diagnose on the real Postfix log of every scenario played at once, with names, IPs, scripts and counts drawn
/// from the run's seed: the verdict names exactly the culprits (the account, the uid and its script, every
/// relaying client, backscatter) and none of the legitimate senders.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Lab")]
public sealed class DiagnoseLabTests(LabFixture lab)
{
    private Diagnosis Diagnose(string? queue = null)
    {
        var run = lab.Require();
        var (inputs, errors) = LogDiscovery.Resolve([run.Maillog]);
        Assert.Empty(errors);
        // The lab runs on this machine: its uids are this machine's.
        return DiagnoseService.Run(inputs, new LogEngineOptions(), UidNames.FromFile("/etc/passwd"), queue, null).Diagnosis;
    }

    [SkippableFact]
    public void The_verdict_names_exactly_the_culprits_and_no_legitimate_sender()
    {
        var diagnosis = Diagnose();
        var expected = new HashSet<OriginId>();
        var legitimate = new HashSet<OriginId>();
        foreach (var manifest in lab.Manifests.Values)
        {
            foreach (var c in manifest.ExpectedCulprits)
            {
                switch (c.Kind)
                {
                    case "sasl":
                        expected.Add(new OriginId(CulpritKind.Sasl, c.User!));
                        break;
                    case "local":
                        expected.Add(new OriginId(CulpritKind.Local, c.Uid!.Value.ToString(CultureInfo.InvariantCulture)));
                        break;
                    case "relay":
                        expected.UnionWith(c.ClientIps!.Select(ip => new OriginId(CulpritKind.Relay, ip)));
                        break;
                    case "backscatter":
                        expected.Add(new OriginId(CulpritKind.Bounce, ""));
                        break;
                    default:
                        Assert.Fail($"unknown culprit kind {c.Kind}");
                        break;
                }
            }
            foreach (var l in manifest.LegitimateSenders)
            {
                legitimate.Add(l.Kind switch
                {
                    "sasl" => new OriginId(CulpritKind.Sasl, l.User!),
                    "local" => new OriginId(CulpritKind.Local, l.Uid!.Value.ToString(CultureInfo.InvariantCulture)),
                    _ => new OriginId(CulpritKind.Relay, l.ClientIp!),
                });
            }
        }
        var named = diagnosis.Culprits.Select(c => c.Id).ToHashSet();
        var report = string.Join("; ", diagnosis.Origins.Take(16).Select(o => $"{o.Id} {o.Score}/{o.AbusePoints} [{string.Join(",", o.Evidence.Select(e => e.Code))}]"));
        Assert.True(expected.SetEquals(named), $"seed {lab.Seed}: expected {string.Join(", ", expected)}; named {string.Join(", ", named)}; {report}");
        Assert.Empty(named.Intersect(legitimate));

        // The hacked site: its uid is named with the user and the script the manifest put there.
        var script = lab.Manifest("hacked-script").ExpectedCulprits.Single();
        var local = diagnosis.Culprits.Single(c => c.Id.Kind == CulpritKind.Local);
        Assert.Equal(script.Script, local.MainScript);
        Assert.Equal(script.User, local.Stats.UserName);
        // The stolen account: evidence from its many addresses and the password guessing before.
        var stolen = diagnosis.Culprits.Single(c => c.Id.Kind == CulpritKind.Sasl);
        Assert.Contains(stolen.Evidence, e => e.Code == "many-client-ips");
        Assert.Contains(stolen.Evidence, e => e.Code == "brute-force");
        // Every culprit comes with commands.
        Assert.All(diagnosis.Culprits, c => Assert.Contains(c.Actions, a => a.Command is not null));
        // Yahoo's TS03 sink and Microsoft's S3150 sink are reported as providers blocking us.
        Assert.Contains(diagnosis.Providers, p => p.Provider == "Yahoo" && p.Rules.Contains("TS03"));
        Assert.Contains(diagnosis.Providers, p => p.Provider == "Microsoft" && p.Rules.Contains("S3150"));
    }
}
