namespace SpamTrace.Dns.Spf;

/// <summary>The seven results of RFC 7208 section 2.6.</summary>
public enum SpfResult
{
    None,
    Neutral,
    Pass,
    Fail,
    SoftFail,
    TempError,
    PermError,
}

/// <summary>The RFC's names for the results, as Received-SPF and the test suites spell them.</summary>
public static class SpfResultNames
{
    public static string Name(this SpfResult result) => result.ToString().ToLowerInvariant();
}
