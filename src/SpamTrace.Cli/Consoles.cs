using Spectre.Console;

namespace SpamTrace.Cli;

/// <summary>
/// The consoles commands write to. When output goes to a pipe or file, lines are not wrapped at 80 columns
/// and carry no colour codes, so grep and scripts see one record per line. On a terminal, COLUMNS (when set)
/// overrides the width the terminal reports, as for other line-oriented tools.
/// </summary>
public static class Consoles
{
    private const int UnwrappedWidth = 1 << 14;

    public static IAnsiConsole Stdout() => Create(Console.Out, Console.IsOutputRedirected);

    public static IAnsiConsole Stderr() => Create(Console.Error, Console.IsErrorRedirected);

    private static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        if (!redirected)
        {
            var terminal = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
            if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 0)
            {
                terminal.Profile.Width = columns;
            }
            return terminal;
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = UnwrappedWidth;
        return console;
    }
}
