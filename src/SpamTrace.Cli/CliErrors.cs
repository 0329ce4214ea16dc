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
    public static int Report(Exception ex)
    {
        var message = ex switch
        {
            CommandParseException or CommandRuntimeException => ex.Message,
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
}

/// <summary>An error whose message is meant for the user as is (bad option, unreadable input).</summary>
public sealed class UserFacingException(string message) : Exception(message);
