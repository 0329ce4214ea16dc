namespace SpamTrace.WebScan.Rules;

/// <summary>The rules webscan scores with: the embedded Data/webscan-rules.tsv, or a file the admin names.</summary>
public sealed class RuleSet
{
    private const string ResourceName = "SpamTrace.WebScan.Rules.Data.webscan-rules.tsv";

    public RuleSet(IReadOnlyList<ScanRule> rules) => Rules = rules;

    public IReadOnlyList<ScanRule> Rules { get; }

    public static RuleSet Default { get; } = new(RuleFileParser.Parse(EmbeddedText(), "webscan-rules.tsv"));

    public static RuleSet Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RuleFileException($"{path}: cannot read the rule file: {ex.Message}");
        }
        return new RuleSet(RuleFileParser.Parse(text, path));
    }

    private static string EmbeddedText()
    {
        using var stream = typeof(RuleSet).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
