using Spectre.Console;
using Spectre.Console.Rendering;

namespace SpamTrace.Reports;

/// <summary>
/// A command printed for pasting: one segment, never soft-wrapped or cut by Spectre whatever the console width,
/// so that copying the line from a narrow terminal (which folds it visually only) or a pipe gives the whole command.
/// Control characters are made visible (<see cref="TerminalText.Escape"/>): the command may hold log text.
/// </summary>
public sealed class CodeLine(string command, string indent = "", Style? style = null) : IRenderable
{
    public string Text { get; } = indent + TerminalText.Escape(command);

    public Measurement Measure(RenderOptions options, int maxWidth) => new(Math.Min(Text.Length, maxWidth), Text.Length);

    public IEnumerable<Segment> Render(RenderOptions options, int maxWidth) => [new Segment(Text, style ?? Style.Plain), Segment.LineBreak];

    /// <summary>Writes the command on a line of its own.</summary>
    public static void Write(IAnsiConsole console, string command, string indent = "", Style? style = null) =>
        console.Write(new CodeLine(command, indent, style));
}
