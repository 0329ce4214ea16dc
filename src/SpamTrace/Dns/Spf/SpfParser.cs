using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace SpamTrace.Dns.Spf;

/// <summary>The outcome of parsing one record: the record, or the first syntax error (a permerror).</summary>
public sealed record SpfParseResult(SpfRecord? Record, string? Error);

/// <summary>
/// Parses an SPF record (RFC 7208 4.6, 12 ABNF) completely before anything is evaluated: a syntax error anywhere
/// makes the whole record a permerror.
/// </summary>
public static partial class SpfParser
{
    [GeneratedRegex(@"^(?<name>[A-Za-z][A-Za-z0-9\-_.]*)=(?<value>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex ModifierPattern();

    [GeneratedRegex(@"^(?<spec>.*?)(?:/(?<v4>\d+))?(?://(?<v6>\d+))?$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex DualCidrPattern();

    public static SpfParseResult Parse(string text)
    {
        if (!SpfRecord.IsSpfRecord(text))
        {
            return new SpfParseResult(null, "not an SPF record (it must start with v=spf1)");
        }
        var mechanisms = new List<SpfMechanism>();
        var modifiers = new List<SpfModifier>();
        foreach (var term in text[6..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var error = ModifierPattern().Match(term) is { Success: true } m
                ? AddModifier(term, m.Groups["name"].Value.ToLowerInvariant(), m.Groups["value"].Value, modifiers)
                : AddMechanism(term, mechanisms);
            if (error is not null)
            {
                return new SpfParseResult(null, $"'{term}': {error}");
            }
        }
        return new SpfParseResult(new SpfRecord(text, mechanisms, modifiers), null);
    }

    /// <summary>Null when <paramref name="spec"/> is a valid domain-spec (RFC 7208 7.1), else why not.</summary>
    public static string? ValidateDomainSpec(string spec)
    {
        if (spec.Length == 0)
        {
            return "empty domain";
        }
        if (SpfMacro.Validate(spec, explanation: false) is { } error)
        {
            return error;
        }
        if (SpfMacro.EndsWithExpand(spec))
        {
            return null;
        }
        var name = spec.EndsWith('.') ? spec[..^1] : spec;
        var dot = name.LastIndexOf('.');
        return dot < 0 || !IsTopLabel(name.AsSpan(dot + 1))
            ? "the domain must end in a top-level label of letters, digits and inner dashes (not all digits), or in a macro"
            : null;
    }

    private static string? AddModifier(string term, string name, string value, List<SpfModifier> modifiers)
    {
        if (name is "redirect" or "exp")
        {
            if (modifiers.Any(m => m.Name == name))
            {
                return $"'{name}' given twice";
            }
            if (ValidateDomainSpec(value) is { } error)
            {
                return error;
            }
        }
        else if (SpfMacro.Validate(value, explanation: false) is { } error)
        {
            return error;
        }
        modifiers.Add(new SpfModifier(term, name, value));
        return null;
    }

    private static string? AddMechanism(string term, List<SpfMechanism> mechanisms)
    {
        var qualifier = term[0] switch
        {
            '+' => SpfQualifier.Pass,
            '-' => SpfQualifier.Fail,
            '~' => SpfQualifier.SoftFail,
            '?' => SpfQualifier.Neutral,
            _ => (SpfQualifier?)null,
        };
        var body = qualifier is null ? term : term[1..];
        var nameEnd = body.IndexOfAny([':', '/']);
        var name = (nameEnd < 0 ? body : body[..nameEnd]).ToLowerInvariant();
        var rest = nameEnd < 0 ? "" : body[nameEnd..];
        var q = qualifier ?? SpfQualifier.Pass;
        switch (name)
        {
            case "all":
                return Add(rest.Length == 0 ? new SpfMechanism(term, q, SpfMechanismKind.All) : null, "'all' takes no argument", mechanisms);
            case "include":
            case "exists":
                var kind = name == "include" ? SpfMechanismKind.Include : SpfMechanismKind.Exists;
                if (!rest.StartsWith(':'))
                {
                    return $"'{name}' needs ':domain'";
                }
                return ValidateDomainSpec(rest[1..]) is { } specError ? specError : Add(new SpfMechanism(term, q, kind, rest[1..]), null, mechanisms);
            case "ptr":
                if (rest.Length == 0)
                {
                    return Add(new SpfMechanism(term, q, SpfMechanismKind.Ptr), null, mechanisms);
                }
                if (!rest.StartsWith(':'))
                {
                    return "'ptr' takes only ':domain'";
                }
                return ValidateDomainSpec(rest[1..]) is { } ptrError ? ptrError : Add(new SpfMechanism(term, q, SpfMechanismKind.Ptr, rest[1..]), null, mechanisms);
            case "a":
            case "mx":
                return AddHostMechanism(term, q, name == "a" ? SpfMechanismKind.A : SpfMechanismKind.Mx, rest, mechanisms);
            case "ip4":
            case "ip6":
                return AddNetwork(term, q, name == "ip4", rest, mechanisms);
            default:
                return name.Length == 0 ? "empty mechanism" : $"unknown mechanism '{name}'";
        }
    }

    private static string? Add(SpfMechanism? mechanism, string? error, List<SpfMechanism> mechanisms)
    {
        if (mechanism is null)
        {
            return error;
        }
        mechanisms.Add(mechanism);
        return null;
    }

    private static string? AddHostMechanism(string term, SpfQualifier q, SpfMechanismKind kind, string rest, List<SpfMechanism> mechanisms)
    {
        if (rest.Length > 0 && rest[0] != ':' && rest[0] != '/')
        {
            return "unknown mechanism";
        }
        var m = DualCidrPattern().Match(rest.StartsWith(':') ? rest[1..] : rest);
        var spec = m.Groups["spec"].Value;
        if (!rest.StartsWith(':') && spec.Length > 0)
        {
            return "invalid prefix length";
        }
        if (rest.StartsWith(':') && ValidateDomainSpec(spec) is { } error)
        {
            return error;
        }
        var v4 = 32;
        var v6 = 128;
        if (m.Groups["v4"].Success && !TryPrefix(m.Groups["v4"].Value, 32, out v4)
            || m.Groups["v6"].Success && !TryPrefix(m.Groups["v6"].Value, 128, out v6))
        {
            return "invalid prefix length";
        }
        mechanisms.Add(new SpfMechanism(term, q, kind, rest.StartsWith(':') ? spec : null, Prefix4: v4, Prefix6: v6));
        return null;
    }

    private static string? AddNetwork(string term, SpfQualifier q, bool v4, string rest, List<SpfMechanism> mechanisms)
    {
        if (!rest.StartsWith(':'))
        {
            return v4 ? "'ip4' needs ':address'" : "'ip6' needs ':address'";
        }
        var value = rest[1..];
        var slash = value.IndexOf('/');
        var address = slash < 0 ? value : value[..slash];
        var max = v4 ? 32 : 128;
        var prefix = max;
        if (slash >= 0 && !TryPrefix(value[(slash + 1)..], max, out prefix))
        {
            return "invalid prefix length";
        }
        var ip = v4 ? ParseIp4(address) : ParseIp6(address);
        if (ip is null)
        {
            return v4 ? $"'{address}' is not an IPv4 address" : $"'{address}' is not an IPv6 address";
        }
        mechanisms.Add(new SpfMechanism(term, q, v4 ? SpfMechanismKind.Ip4 : SpfMechanismKind.Ip6, Network: ip,
            Prefix4: v4 ? prefix : 32, Prefix6: v4 ? 128 : prefix));
        return null;
    }

    /// <summary>A dotted quad as RFC 7208's qnum allows it: four numbers 0-255 without leading zeros.</summary>
    internal static IPAddress? ParseIp4(string text)
    {
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return null;
        }
        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit) || (part.Length > 1 && part[0] == '0')
                || int.Parse(part, CultureInfo.InvariantCulture) > 255)
            {
                return null;
            }
        }
        return IPAddress.Parse(text);
    }

    private static IPAddress? ParseIp6(string text) =>
        text.Contains(':') && !text.Contains('%') && IPAddress.TryParse(text, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6 ? ip : null;

    private static bool TryPrefix(string digits, int max, out int prefix)
    {
        prefix = 0;
        return digits.Length > 0 && digits.All(char.IsAsciiDigit) && (digits.Length == 1 || digits[0] != '0')
            && digits.Length <= 3 && (prefix = int.Parse(digits, CultureInfo.InvariantCulture)) <= max;
    }

    private static bool IsTopLabel(ReadOnlySpan<char> label)
    {
        if (label.Length == 0 || !char.IsAsciiLetterOrDigit(label[0]) || !char.IsAsciiLetterOrDigit(label[^1]))
        {
            return false;
        }
        var hasLetter = false;
        var hasDash = false;
        foreach (var c in label)
        {
            if (c == '-')
            {
                hasDash = true;
            }
            else if (char.IsAsciiLetter(c))
            {
                hasLetter = true;
            }
            else if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return hasLetter || hasDash;
    }
}
