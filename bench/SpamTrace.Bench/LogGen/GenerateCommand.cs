using System.Diagnostics;
using System.Globalization;

namespace SpamTrace.Bench.LogGen;

/// <summary><c>SpamTrace.Bench generate [--size 1G] [--seed 42] [--start 2024-12-30] [--rfc3339] [-o FILE]</c>.</summary>
public static class GenerateCommand
{
    public static int Run(string[] args)
    {
        GeneratorOptions options;
        try
        {
            options = GeneratorOptions.Parse(args);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            Console.Error.WriteLine($"generate: {ex.Message}");
            Console.Error.WriteLine("usage: generate [--size 1G] [--seed N] [--start 2024-12-30T06:00] [--rfc3339] [--host NAME] [--rate SECONDS] [-o FILE|-]");
            return 2;
        }
        var clock = Stopwatch.StartNew();
        var generator = new PostfixLogGenerator(options);
        if (options.Output == "-")
        {
            using var stdout = Console.OpenStandardOutput();
            generator.Write(stdout);
        }
        else
        {
            using (var file = new FileStream(options.Output, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20))
            {
                generator.Write(file);
            }
            // The file's time is what year inference starts from, as with a real log.
            File.SetLastWriteTimeUtc(options.Output, DateTime.SpecifyKind(generator.LastTime.AddMinutes(1), DateTimeKind.Utc));
        }
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"generate: {generator.Lines:N0} lines, {generator.Messages:N0} messages ({generator.IncidentMessages:N0} from the stolen account), {generator.ReusedQueueIds:N0} queue IDs reused, log time {options.Start:yyyy-MM-dd HH:mm} .. {generator.LastTime:yyyy-MM-dd HH:mm}, {clock.Elapsed.TotalSeconds:F1} s"));
        return 0;
    }
}
