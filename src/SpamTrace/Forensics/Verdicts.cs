namespace SpamTrace.Forensics;

/// <summary>
/// The verdict in words. A culprit's says what it did; any other origin's only says what it is, so that nothing
/// in a report accuses an origin the rule did not.
/// </summary>
internal static class Verdicts
{
    public static string For(OriginStats s, bool culprit, Finding finding) => s.Id.Kind switch
    {
        CulpritKind.Sasl => culprit ? "stolen or abused account" : "authenticated login",
        CulpritKind.Local when culprit => MainScript(s) is { } script ? $"hacked script {script} (PHP mail())" : s.Scripts.Counts.Count > 0 ? "hacked script (PHP mail())" : "local program sending spam",
        CulpritKind.Local => "local submission (sendmail, PHP mail())",
        CulpritKind.Relay => (culprit ? finding.CulpritVerdict : finding.NeutralVerdict) ?? "unauthenticated client",
        CulpritKind.Bounce => culprit ? "backscatter (bounces to forged senders)" : "non-delivery notices",
        CulpritKind.Forward => culprit ? "forwarded spam" : "forwarded mail",
        _ => "origin not in the log (queued before it starts)",
    };

    /// <summary>The script that sent at least half of the messages naming one, if any.</summary>
    public static string? MainScript(OriginStats s)
    {
        var counts = s.Scripts.Counts;
        if (counts.Count == 0)
        {
            return null;
        }
        var top = s.Scripts.Top(1).First();
        return top.Value * 2 >= counts.Values.Sum() ? top.Key : null;
    }
}
