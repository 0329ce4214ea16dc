namespace SpamTrace.Dns.Spf;

/// <summary>A directive's qualifier (RFC 7208 4.6.2): the result it gives when its mechanism matches.</summary>
public enum SpfQualifier
{
    Pass,
    Fail,
    SoftFail,
    Neutral,
}
