using System.Globalization;

namespace SpamTrace.Bench.LogGen;

/// <summary>What <c>generate</c> writes: how much, from which seed, starting when, in which timestamp format.</summary>
public sealed class GeneratorOptions
{
    public long TargetBytes { get; set; } = 100L * 1000 * 1000;
    public int Seed { get; set; } = 42;
    /// <summary>Log time of the first line. The default crosses New Year within a gigabyte, to exercise year rollover.</summary>
    public DateTime Start { get; set; } = new(2024, 12, 30, 6, 0, 0);
    /// <summary>Classic syslog ("Mar 23 05:01:52") or RFC 3339 with microseconds and zone (Debian 12 rsyslog).</summary>
    public bool Rfc3339 { get; set; }
    public string Host { get; set; } = "mail";
    /// <summary>Mean seconds between two new SMTP sessions or submissions.</summary>
    public double MeanArrivalSeconds { get; set; } = 0.4;
    /// <summary>A file path, or "-" for stdout.</summary>
    public string Output { get; set; } = "-";

    public static GeneratorOptions Parse(IReadOnlyList<string> args)
    {
        var options = new GeneratorOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            switch (name)
            {
                case "--size": options.TargetBytes = ParseSize(Value()); break;
                case "--seed": options.Seed = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--start": options.Start = DateTime.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--rfc3339": options.Rfc3339 = true; break;
                case "--host": options.Host = Value(); break;
                case "--rate": options.MeanArrivalSeconds = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "-o" or "--output": options.Output = Value(); break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }
        return options;
    }

    /// <summary>"500M", "1G", "1.5G", "20000" (bytes; K/M/G are powers of 1000, as disk sizes are quoted).</summary>
    public static long ParseSize(string text)
    {
        var unit = char.ToUpperInvariant(text[^1]) switch { 'K' => 1e3, 'M' => 1e6, 'G' => 1e9, _ => 1 };
        var number = unit == 1 ? text : text[..^1];
        return (long)(double.Parse(number, CultureInfo.InvariantCulture) * unit);
    }
}
