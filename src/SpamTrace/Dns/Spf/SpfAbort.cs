namespace SpamTrace.Dns.Spf;

/// <summary>Ends an evaluation at once with a permerror or temperror, from however deep in includes it is raised.</summary>
internal sealed class SpfAbort(SpfResult result, string problem) : Exception(problem)
{
    public SpfResult Result { get; } = result;
}
