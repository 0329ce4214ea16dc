using System.Text.RegularExpressions;

namespace SpamTrace.Policy.Greylisting.Whitelists;

/// <summary>
/// A /regex/ line of a postgrey whitelist (Perl, matched case-insensitively). The non-backtracking engine runs in
/// linear time on attacker-chosen client names; constructs it lacks (backreferences, lookarounds) fall back to the
/// backtracking engine with a match timeout.
/// </summary>
internal static class PerlRegex
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(50);

    public static bool TryCreate(string pattern, out Regex? regex, out string? error)
    {
        error = null;
        const RegexOptions options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;
        try
        {
            regex = new Regex(pattern, options | RegexOptions.NonBacktracking);
            return true;
        }
        catch (NotSupportedException)
        {
        }
        catch (ArgumentException ex)
        {
            regex = null;
            error = ex.Message;
            return false;
        }
        try
        {
            regex = new Regex(pattern, options, MatchTimeout);
            return true;
        }
        catch (ArgumentException ex)
        {
            regex = null;
            error = ex.Message;
            return false;
        }
    }

    /// <summary>A match that times out counts as no match: a whitelist never stops mail.</summary>
    public static bool IsMatch(Regex regex, string input)
    {
        try
        {
            return regex.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
