using System.Net;

namespace SpamTrace.Policy.Greylisting.Pools;

/// <summary>
/// A domain's SPF record resolved once into what it authorises: its terms in order, each a qualifier and the networks
/// it names (ip4, ip6, a, mx resolved) or a nested policy (include). Evaluating an address needs no DNS.
/// Mechanisms this small resolver does not follow (exists, ptr, macros) never match, which can only mean "no pool".
/// </summary>
public sealed class SpfPolicy
{
    public static readonly SpfPolicy None = new([]);

    private readonly IReadOnlyList<SpfTerm> _terms;

    public SpfPolicy(IReadOnlyList<SpfTerm> terms)
    {
        _terms = terms;
    }

    public IReadOnlyList<SpfTerm> Terms => _terms;

    /// <summary>True when the record gives "pass" for the address: the first matching term has the + qualifier.</summary>
    public bool Passes(IPAddress address) => Evaluate(address) == true;

    /// <summary>The qualifier result of the first term that matches: true for pass, false for any other, null for none.</summary>
    internal bool? Evaluate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        foreach (var term in _terms)
        {
            bool matches;
            if (term.Include is { } include)
            {
                // RFC 7208 5.2: include matches when the included record passes; any other result is no match.
                matches = include.Evaluate(address) == true;
            }
            else if (term.All)
            {
                matches = true;
            }
            else
            {
                matches = false;
                foreach (var network in term.Networks)
                {
                    if (network.BaseAddress.AddressFamily == address.AddressFamily && network.Contains(address))
                    {
                        matches = true;
                        break;
                    }
                }
            }
            if (matches)
            {
                return term.Qualifier == '+';
            }
        }
        return null;
    }
}

/// <summary>One mechanism: its qualifier (+ - ~ ?) and what it matches.</summary>
public sealed record SpfTerm(char Qualifier, IReadOnlyList<IPNetwork> Networks, SpfPolicy? Include = null, bool All = false);
