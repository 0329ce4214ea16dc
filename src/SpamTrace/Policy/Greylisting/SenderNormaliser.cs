using System.Text;

namespace SpamTrace.Policy.Greylisting;

/// <summary>
/// Folds the per-message parts of an envelope sender so that a list's or a bounce handler's mail is one key:
/// postgrey 1.37's rules exactly (BATV prvs=, "+extension" cut, whole numbers replaced by '#'), and, beyond postgrey,
/// SRS0/SRS1 forwarder addresses reduced to the original sender (their hash and timestamp change every day).
/// </summary>
public static class SenderNormaliser
{
    /// <summary>The sender as it goes into the triplet, in its original case (the key is lower-cased as a whole).</summary>
    public static string Normalise(string? sender, bool foldSrs = true)
    {
        if (string.IsNullOrEmpty(sender))
        {
            return "";
        }
        // postgrey splits at the first '@': split(/@/, $addr, 2).
        var at = sender.IndexOf('@');
        if (at < 0)
        {
            return sender;
        }
        var user = sender[..at];
        var domain = sender[(at + 1)..];
        if (foldSrs && FoldSrs(user) is var (originalLocal, originalDomain))
        {
            return $"srs={FoldUser(originalLocal)}={originalDomain}@{domain}";
        }
        return FoldUser(user) + "@" + domain;
    }

    private static string FoldUser(string user)
    {
        user = FoldBatv(user);
        var plus = user.IndexOf('+');
        if (plus >= 0)
        {
            user = user[..plus];
        }
        return FoldNumbers(user);
    }

    /// <summary>
    /// BATV is prvs=tag-val=loc-core but also appears as prvs=loc-core=tag-val: the part that starts with ten
    /// [0-9a-z] is the tag (case-sensitive, as in postgrey); when both or neither look like one, the standard wins.
    /// </summary>
    internal static string FoldBatv(string user)
    {
        if (!user.StartsWith("prvs=", StringComparison.Ordinal))
        {
            return user;
        }
        // Perl's split drops trailing empty fields: "prvs=tag=" has two.
        var parts = user.TrimEnd('=').Split('=');
        if (parts.Length != 3)
        {
            return user;
        }
        var firstIsTag = LooksLikeTag(parts[1]);
        var secondIsTag = LooksLikeTag(parts[2]);
        return firstIsTag == secondIsTag ? parts[2] : firstIsTag ? parts[2] : parts[1];
    }

    private static bool LooksLikeTag(string part)
    {
        if (part.Length < 10)
        {
            return false;
        }
        for (var i = 0; i < 10; i++)
        {
            if (!(char.IsAsciiDigit(part[i]) || part[i] is >= 'a' and <= 'z'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Perl's s/\b\d+\b/#/g on bytes: runs of ASCII digits not touching a word character [A-Za-z0-9_].</summary>
    internal static string FoldNumbers(string user)
    {
        StringBuilder? folded = null;
        var i = 0;
        while (i < user.Length)
        {
            if (char.IsAsciiDigit(user[i]) && (i == 0 || !IsWord(user[i - 1])))
            {
                var end = i;
                while (end < user.Length && char.IsAsciiDigit(user[end]))
                {
                    end++;
                }
                if (end == user.Length || !IsWord(user[end]))
                {
                    folded ??= new StringBuilder(user, 0, i, user.Length);
                    folded.Append('#');
                    i = end;
                    continue;
                }
                folded?.Append(user, i, end - i);
                i = end;
                continue;
            }
            folded?.Append(user[i]);
            i++;
        }
        return folded?.ToString() ?? user;
    }

    // Perl's \w without the utf8 flag: the request's bytes are not decoded, so only ASCII counts.
    private static bool IsWord(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    /// <summary>
    /// SRS0=HHH=TT=orig-domain=orig-local and SRS1=HHH=forwarder==HHH=TT=orig-domain=orig-local (the separator after
    /// SRS0/SRS1 may be '=', '+' or '-'): the original local part and domain, which are stable across days and hashes.
    /// </summary>
    internal static (string Local, string Domain)? FoldSrs(string user)
    {
        if (user.Length < 5 || !(user.StartsWith("SRS0", StringComparison.OrdinalIgnoreCase) || user.StartsWith("SRS1", StringComparison.OrdinalIgnoreCase))
            || user[4] is not ('=' or '+' or '-'))
        {
            return null;
        }
        var parts = user[5..].Split('=');
        // The original local part may itself contain '=': everything after the domain field belongs to it.
        int domainIndex;
        if (user[3] == '0')
        {
            if (parts.Length < 4)
            {
                return null;
            }
            domainIndex = 2;
        }
        else
        {
            // SRS1: HHH=forwarder= then the SRS0 part "=HHH=TT=domain=local" (an empty field marks its start).
            var empty = Array.IndexOf(parts, "", 2);
            if (empty < 0 || parts.Length < empty + 5)
            {
                return null;
            }
            domainIndex = empty + 3;
        }
        var originalDomain = parts[domainIndex];
        var originalLocal = string.Join('=', parts, domainIndex + 1, parts.Length - domainIndex - 1);
        if (originalDomain.Length == 0 || originalLocal.Length == 0)
        {
            return null;
        }
        return (originalLocal, originalDomain);
    }
}
