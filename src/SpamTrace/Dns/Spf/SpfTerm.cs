using System.Net;

namespace SpamTrace.Dns.Spf;

/// <summary>One term of a record, as written (<see cref="Text"/>) for findings and traces.</summary>
public abstract record SpfTerm(string Text);

/// <summary>
/// A directive. <see cref="DomainSpec"/> is the unexpanded macro-string target (null: the current domain);
/// <see cref="Network"/> the ip4/ip6 address; the prefix lengths default to a single address.
/// </summary>
public sealed record SpfMechanism(
    string Text,
    SpfQualifier Qualifier,
    SpfMechanismKind Kind,
    string? DomainSpec = null,
    IPAddress? Network = null,
    int Prefix4 = 32,
    int Prefix6 = 128) : SpfTerm(Text)
{
    /// <summary>Whether evaluating this mechanism counts against the 10-lookup limit (RFC 7208 4.6.4).</summary>
    public bool CostsLookup => Kind is SpfMechanismKind.Include or SpfMechanismKind.A or SpfMechanismKind.Mx
        or SpfMechanismKind.Ptr or SpfMechanismKind.Exists;
}

/// <summary>A modifier: redirect, exp, or one this evaluator ignores as RFC 7208 6 requires.</summary>
public sealed record SpfModifier(string Text, string Name, string Value) : SpfTerm(Text);
