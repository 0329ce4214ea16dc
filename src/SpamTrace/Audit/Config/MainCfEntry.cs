namespace SpamTrace.Audit.Config;

/// <summary>One parameter definition of main.cf: its name, raw (unexpanded) value, and where it starts.</summary>
public sealed record MainCfEntry(string Name, string Value, string File, int Line)
{
    public string Location => $"{Path.GetFileName(File)}:{Line}";
}
