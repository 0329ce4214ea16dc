using System.Net;
using SpamTrace.Dns.Resolving;
using YamlDotNet.RepresentationModel;

namespace SpamTrace.Tests.Dns.Support;

/// <summary>
/// An in-memory resolver built from an openspf suite section's <c>zonedata</c>, answering as pyspf's test driver
/// does (test/testspf.py): SPF-type records double as TXT unless the name has TXT records of its own,
/// <c>TIMEOUT</c> times out every type not answered before it, a missing name is NXDOMAIN (a timeout under
/// <c>error.</c>), labels over 63 characters time out, and a CNAME is followed one level.
/// </summary>
public sealed class ZoneDataResolver : IDnsResolver
{
    private readonly Dictionary<string, List<Entry>> _zone = new(StringComparer.OrdinalIgnoreCase);

    public ZoneDataResolver(YamlMappingNode? zonedata)
    {
        if (zonedata is null)
        {
            return;
        }
        foreach (var (key, value) in zonedata.Children)
        {
            var name = ((YamlScalarNode)key).Value!.TrimEnd('.');
            var entries = new List<Entry>();
            var generated = new List<Entry>();
            var hasTxt = false;
            foreach (var item in ((YamlSequenceNode)value).Children)
            {
                if (item is YamlScalarNode { Value: "TIMEOUT" })
                {
                    entries.Add(new Entry(null, null));
                    continue;
                }
                foreach (var (typeNode, data) in ((YamlMappingNode)item).Children)
                {
                    var type = ((YamlScalarNode)typeNode).Value!;
                    if (type == "TXT")
                    {
                        hasTxt = true;
                    }
                    if (data is YamlScalarNode { Value: "TIMEOUT" })
                    {
                        entries.Add(new Entry(type, null, Timeout: true));
                        continue;
                    }
                    var record = Record(type, data);
                    if (type == "SPF")
                    {
                        generated.Add(new Entry("TXT", record));
                    }
                    if (!(type is "TXT" or "SPF" && data is YamlScalarNode { Value: "NONE" }))
                    {
                        entries.Add(new Entry(type, record));
                    }
                }
            }
            if (!hasTxt)
            {
                entries.AddRange(generated);
            }
            _zone[name] = entries;
        }
    }

    public int Queries { get; private set; }

    public Task<DnsAnswer> QueryAsync(string name, DnsQueryType type, CancellationToken cancellationToken = default)
    {
        Queries++;
        return Task.FromResult(Lookup(name, TypeName(type), level: 0));
    }

    private DnsAnswer Lookup(string name, string type, int level)
    {
        var labels = name.Split('.', StringSplitOptions.RemoveEmptyEntries);
        if (labels.Any(l => l.Length > 63))
        {
            return DnsAnswer.Failed(DnsStatus.Timeout, "label too long");
        }
        name = string.Join('.', labels);
        if (!_zone.TryGetValue(name, out var entries))
        {
            return name.StartsWith("error.", StringComparison.OrdinalIgnoreCase) ? DnsAnswer.Failed(DnsStatus.Timeout, "timeout") : DnsAnswer.NxDomain;
        }
        var records = new List<DnsRecord>();
        var answered = false;
        foreach (var entry in entries)
        {
            if (entry.Type is null)
            {
                if (!answered)
                {
                    return DnsAnswer.Failed(DnsStatus.Timeout, "timeout");
                }
                break;
            }
            if (entry.Type == type)
            {
                answered = true;
                if (entry.Timeout)
                {
                    return DnsAnswer.Failed(DnsStatus.Timeout, "timeout");
                }
                records.Add(entry.Record!);
            }
            else if (entry.Type == "CNAME" && level == 0 && entry.Record is { } alias)
            {
                var target = Lookup(alias.Text, type, 1);
                if (target.IsFailure)
                {
                    return target;
                }
                records.AddRange(target.Records);
            }
        }
        return DnsAnswer.Of(records);
    }

    private static DnsRecord Record(string type, YamlNode data) => type switch
    {
        "A" or "AAAA" => DnsRecord.ForAddress(IPAddress.Parse(Scalar(data))),
        "TXT" or "SPF" => DnsRecord.ForText(data is YamlSequenceNode strings ? string.Concat(strings.Children.Select(Scalar)) : Scalar(data)),
        "MX" => DnsRecord.ForExchange(int.Parse(Scalar(((YamlSequenceNode)data).Children[0]), System.Globalization.CultureInfo.InvariantCulture), Scalar(((YamlSequenceNode)data).Children[1])),
        "PTR" => DnsRecord.ForPointer(Scalar(data)),
        "CNAME" => new DnsRecord(DnsQueryType.Txt, Scalar(data)),
        _ => throw new InvalidDataException($"zonedata: unknown record type {type}"),
    };

    private static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value ?? "";

    private static string TypeName(DnsQueryType type) => type switch
    {
        DnsQueryType.A => "A",
        DnsQueryType.Aaaa => "AAAA",
        DnsQueryType.Mx => "MX",
        DnsQueryType.Txt => "TXT",
        DnsQueryType.Ptr => "PTR",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    private sealed record Entry(string? Type, DnsRecord? Record, bool Timeout = false);
}
