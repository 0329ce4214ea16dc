using System.Text.RegularExpressions;

namespace SpamTrace.Policy.Greylisting.Whitelists;

/// <summary>
/// postgrey's whitelist_recipients, in access(5) style: "user@domain" (also user+extension@domain), "user@" (at any
/// domain), "domain" (the domain or any subdomain), and /regex/ on the whole recipient.
/// </summary>
public sealed class RecipientWhitelist
{
    private readonly List<Entry> _entries = [];

    private sealed record Entry(string Source, string? User, string? Domain, Regex? Regex);

    public static readonly RecipientWhitelist Empty = new();

    public int Count => _entries.Count;

    public static RecipientWhitelist Load(IEnumerable<string> files, List<string> errors)
    {
        var list = new RecipientWhitelist();
        foreach (var file in files)
        {
            if (!File.Exists(file))
            {
                if (!WhitelistLines.MayBeMissing(file))
                {
                    errors.Add($"{file}: not found");
                }
                continue;
            }
            try
            {
                foreach (var (entry, line) in WhitelistLines.Read(file))
                {
                    if (list.Add(entry) is { } error)
                    {
                        errors.Add($"{file}:{line}: {error}");
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                errors.Add($"{file}: cannot read: {ex.Message}");
            }
        }
        return list;
    }

    public string? Add(string entry)
    {
        if (entry.Any(char.IsWhiteSpace))
        {
            return $"'{entry}' doesn't look like an address";
        }
        if (entry.Length > 2 && entry[0] == '/' && entry[^1] == '/')
        {
            if (!PerlRegex.TryCreate(entry[1..^1], out var regex, out var error))
            {
                return $"'{entry}' is not a valid regular expression: {error}";
            }
            _entries.Add(new Entry(entry, null, null, regex));
            return null;
        }
        var at = entry.IndexOf('@');
        _entries.Add(at < 0 ? new Entry(entry, null, entry, null) : new Entry(entry, entry[..at], entry[(at + 1)..], null));
        return null;
    }

    /// <summary>The entry that whitelists this recipient, or null.</summary>
    public string? Match(string? recipient)
    {
        if (_entries.Count == 0 || string.IsNullOrEmpty(recipient))
        {
            return null;
        }
        var at = recipient.IndexOf('@');
        foreach (var e in _entries)
        {
            if (e.Regex is not null)
            {
                if (PerlRegex.IsMatch(e.Regex, recipient))
                {
                    return e.Source;
                }
            }
            else if (e.User is null)
            {
                // (?:\@|\.)DOMAIN$
                if (recipient.Length > e.Domain!.Length && recipient.EndsWith(e.Domain, StringComparison.OrdinalIgnoreCase)
                    && recipient[recipient.Length - e.Domain.Length - 1] is '@' or '.')
                {
                    return e.Source;
                }
            }
            else if (at >= 0 && LocalMatches(recipient.AsSpan(0, at), e.User)
                && (e.Domain!.Length == 0 || recipient.AsSpan(at + 1).Equals(e.Domain, StringComparison.OrdinalIgnoreCase)))
            {
                return e.Source;
            }
        }
        return null;
    }

    /// <summary>^USER(?:\+[^@]+)?: the user itself, or the user and a non-empty "+extension".</summary>
    private static bool LocalMatches(ReadOnlySpan<char> local, string user) =>
        local.Equals(user, StringComparison.OrdinalIgnoreCase)
        || (local.Length > user.Length + 1 && local.StartsWith(user, StringComparison.OrdinalIgnoreCase) && local[user.Length] == '+');
}
