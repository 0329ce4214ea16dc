namespace SpamTrace.Dns.Resolving;

/// <summary>The record types the DNS audit asks for.</summary>
public enum DnsQueryType
{
    A,
    Aaaa,
    Mx,
    Txt,
    Ptr,
}
