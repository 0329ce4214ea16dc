using System.Diagnostics;
using System.Text;
using SpamTrace.Logs.Reading;
using Xunit.Abstractions;

namespace SpamTrace.Tests.Reading;

/// <summary>
/// A compressed log cut short (copy interrupted, disk full during rotation) is compared with what the system's
/// own decompressor recovers from the same cut file: we must hand on at least as many complete lines, then an
/// error naming the file.
/// </summary>
public sealed class TruncatedCompressionTests(ITestOutputHelper output)
{
    /// <summary>Varied lines (random hex) so that the compressed file is large enough to cut in many places.</summary>
    private static string VariedLog(int lines, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        for (var i = 1; i <= lines; i++)
        {
            text.Append($"Mar 23 05:{i / 60 % 60:00}:{i % 60:00} mx postfix/smtpd[{1000 + i}]: {random.NextInt64():X16}: client=host-{random.Next(100000)}.example.net[192.0.2.{i % 250}], sasl_username=u{random.Next(5000)}\n");
        }
        return text.ToString();
    }

    public static TheoryData<string, string> Tools => new()
    {
        { "gzip", "zcat" },
        { "xz", "xzcat" },
        { "zstd", "zstdcat" },
        { "bzip2", "bzcat" },
    };

    // Fractions of the compressed size; the first few cut inside the first 64 KiB of log, where the
    // journal-format sniff reads ahead.
    private static readonly double[] CutPoints = [0.002, 0.01, 0.05, 0.2, 0.5, 0.8, 0.97, 0.999];

    [Theory]
    [MemberData(nameof(Tools))]
    public void EveryLineTheSystemToolRecoversIsRecoveredThenTheFileIsNamed(string compressor, string decompressor)
    {
        var compressorPath = SystemTool(compressor);
        var decompressorPath = SystemTool(decompressor);
        if (compressorPath is null || decompressorPath is null)
        {
            output.WriteLine($"SKIPPED: {compressor}/{decompressor} not installed (deps/read.txt lists them)");
            return;
        }
        using var dir = new TempDir();
        var text = VariedLog(40000, compressor.Length);
        var originalLines = text.Split('\n')[..^1];
        var plain = dir.Write("mail.log", text);
        var compressed = dir.File("mail.log.1");
        Run("/bin/sh", ["-c", $"'{compressorPath}' -c '{plain}' > '{compressed}'"]);
        var whole = File.ReadAllBytes(compressed);

        foreach (var fraction in CutPoints)
        {
            var cutLength = Math.Max(32, (int)(whole.Length * fraction));
            var cut = dir.Write($"cut-{fraction}.log.1", whole[..cutLength]);
            var toolLines = CompleteLines(Run(decompressorPath, [cut]).Stdout);

            var consumer = new CollectingConsumer();
            var statistics = LogPipeline.Run(Inputs.Files(cut), consumer);
            var ours = consumer.Texts;
            var matching = ours.TakeWhile((line, i) => i < originalLines.Length && line == originalLines[i]).Count();
            output.WriteLine($"{compressor} cut at {cutLength:N0}/{whole.Length:N0} bytes: {decompressor} {toolLines:N0} complete lines, ours {matching:N0} ({ours.Count:N0} handed on)");

            Assert.True(matching >= toolLines, $"{compressor} cut at {cutLength}: {decompressor} recovers {toolLines} lines, we recover {matching}");
            Assert.True(ours.Count <= matching + 1, "at most the last, partial line differs from the original");
            var error = Assert.Single(statistics.Errors);
            Assert.Equal(cut, error.Path);
            Assert.Contains(CompressionName(compressor), error.Message);
            Assert.NotNull(error.LineNumber);
        }
    }

    private static string CompressionName(string compressor) => compressor;

    private static int CompleteLines(byte[] stdout) => stdout.AsSpan().Count((byte)'\n');

    private static string? SystemTool(string name) =>
        new[] { "/usr/bin/", "/bin/" }.Select(d => d + name).FirstOrDefault(File.Exists);

    private static (byte[] Stdout, int ExitCode) Run(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi)!;
        var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        _ = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        copy.Wait();
        return (stdout.ToArray(), process.ExitCode);
    }
}
