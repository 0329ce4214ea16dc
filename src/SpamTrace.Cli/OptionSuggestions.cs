using System.Reflection;
using Spectre.Console.Cli;

namespace SpamTrace.Cli;

/// <summary>
/// Names the closest valid option when Spectre.Console.Cli rejects an unknown one ("--jsno": did you mean --json?):
/// the parser reports only the bad name, and a user who mistyped needs the right one.
/// </summary>
public static class OptionSuggestions
{
    /// <summary>
    /// Each command's settings type by its path, from the naming convention Program.cs registers them by
    /// (PolicyCheckCommand is "policy check").
    /// </summary>
    private static readonly Dictionary<string, Type> SettingsByCommand = typeof(OptionSuggestions).Assembly.GetTypes()
        .Where(t => t.Namespace == "SpamTrace.Cli.Commands" && t.Name.EndsWith("Command", StringComparison.Ordinal)
            && typeof(ICommand).IsAssignableFrom(t) && t.BaseType is { IsGenericType: true })
        .ToDictionary(t => CommandPath(t.Name), t => t.BaseType!.GetGenericArguments()[0], StringComparer.Ordinal);

    private static string CommandPath(string typeName)
    {
        var stem = typeName[..^"Command".Length];
        var words = System.Text.RegularExpressions.Regex.Split(stem, "(?<!^)(?=[A-Z])");
        return string.Join(' ', words).ToLowerInvariant();
    }

    /// <summary>The valid long option closest to <paramref name="unknown"/>, or null when none is close.</summary>
    public static string? Closest(IReadOnlyList<string> args, string unknown)
    {
        var settings = FindCommand(args);
        if (settings is null)
        {
            return null;
        }
        var names = settings.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => p.GetCustomAttribute<CommandOptionAttribute>())
            .Where(a => a is not null)
            .SelectMany(a => a!.LongNames)
            .Append("help")
            .Distinct();
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var name in names)
        {
            var distance = Distance(unknown, name);
            if (distance < bestDistance)
            {
                (best, bestDistance) = (name, distance);
            }
        }
        // Two edits (a swap or a slip) or a third of the name: beyond that the "suggestion" is noise.
        return best is not null && bestDistance <= Math.Max(2, best.Length / 3) ? "--" + best : null;
    }

    private static Type? FindCommand(IReadOnlyList<string> args)
    {
        var words = args.TakeWhile(a => !a.StartsWith('-')).ToList();
        for (var n = Math.Min(2, words.Count); n > 0; n--)
        {
            if (SettingsByCommand.TryGetValue(string.Join(' ', words.Take(n)), out var type))
            {
                return type;
            }
        }
        return null;
    }

    /// <summary>Optimal string alignment distance: an adjacent swap ("jsno" for "json") costs one edit.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }
}
