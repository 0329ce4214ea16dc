using Spectre.Console;
using Spectre.Console.Cli;

namespace SpamTrace.Cli;

/// <summary>Exit codes shared by every command, lint-style.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The command found what it looks for (spam, a match, a problem).</summary>
    public const int Found = 1;
    public const int UsageOrInput = 2;
}

/// <summary>Turns an exception escaping a command into one clear line on stderr: users never see a stack trace.</summary>
public static class CliErrors
{
    /// <summary>The command line as given, so that a parse error can name the closest valid option.</summary>
    public static IReadOnlyList<string> Arguments { get; set; } = [];

    public static int Report(Exception ex)
    {
        var message = ex switch
        {
            CommandParseException parse => WithSuggestion(parse.Message),
            CommandRuntimeException => ex.Message,
            UserFacingException => ex.Message,
            FileNotFoundException fnf => $"{fnf.FileName ?? "file"}: not found",
            UnauthorizedAccessException => ex.Message,
            IOException => ex.Message,
            _ => $"internal error: {ex.GetType().Name}: {ex.Message} (set SPAMTRACE_DEBUG=1 for details)",
        };
        var stderr = Consoles.Stderr();
        stderr.MarkupLine($"[red]spamtrace:[/] {Markup.Escape(message)}");
        if (Environment.GetEnvironmentVariable("SPAMTRACE_DEBUG") == "1")
        {
            Console.Error.WriteLine(ex);
        }
        return ExitCodes.UsageOrInput;
    }

    private static string WithSuggestion(string message)
    {
        var unknown = System.Text.RegularExpressions.Regex.Match(message, "^Unknown option '([^']+)'");
        if (!unknown.Success)
        {
            return message;
        }
        var closest = OptionSuggestions.Closest(Arguments, unknown.Groups[1].Value);
        return closest is null
            ? $"{message} See --help for the options."
            : $"{message} Did you mean {closest}?";
    }
}

/// <summary>An error whose message is meant for the user as is (bad option, unreadable input).</summary>
public sealed class UserFacingException(string message) : Exception(message);
