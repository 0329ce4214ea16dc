using YamlDotNet.RepresentationModel;

namespace SpamTrace.Tests.Dns.Support;

/// <summary>One test of an openspf suite: the SMTP inputs and the acceptable results.</summary>
public sealed record OpenSpfTest(string Section, string Id, string Helo, string Host, string MailFrom, IReadOnlyList<string> Results, string? Explanation, ZoneDataResolver Zone);

/// <summary>Reads an openspf YAML suite (several documents, one per section).</summary>
public static class OpenSpfSuite
{
    public static List<OpenSpfTest> Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }
        var tests = new List<OpenSpfTest>();
        foreach (var document in stream.Documents)
        {
            var root = (YamlMappingNode)document.RootNode;
            var section = Scalar(root, "description") ?? "?";
            var zone = new ZoneDataResolver(root.Children.TryGetValue("zonedata", out var z) ? z as YamlMappingNode : null);
            foreach (var (key, value) in ((YamlMappingNode)root["tests"]).Children)
            {
                var test = (YamlMappingNode)value;
                var result = test["result"];
                var results = result is YamlSequenceNode list
                    ? list.Children.Select(n => ((YamlScalarNode)n).Value!).ToList()
                    : [((YamlScalarNode)result).Value!];
                tests.Add(new OpenSpfTest(section, ((YamlScalarNode)key).Value!, Scalar(test, "helo") ?? "", Scalar(test, "host") ?? "",
                    Scalar(test, "mailfrom") ?? "", results, Scalar(test, "explanation"), zone));
            }
        }
        return tests;
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) ? ((YamlScalarNode)value).Value : null;
}
