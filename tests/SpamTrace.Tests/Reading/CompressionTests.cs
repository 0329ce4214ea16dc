using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using SharpCompress.Compressors.BZip2;
using SpamTrace.Logs.Reading;
using Xunit.Abstractions;

namespace SpamTrace.Tests.Reading;

public sealed class CompressionTests(ITestOutputHelper output)
{
    private static string SampleLog(int lines, string tag = "a") => string.Concat(Enumerable.Range(1, lines)
        .Select(i => $"Mar 23 05:{i / 60 % 60:00}:{i % 60:00} mx postfix/smtpd[{1000 + i}]: connect from client-{tag}-{i}.example.net[192.0.2.{i % 250}]\n"));

    private static byte[] Gzip(string text)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(Encoding.UTF8.GetBytes(text));
        }
        return ms.ToArray();
    }

    private static byte[] Bzip2(string text)
    {
        var ms = new MemoryStream();
        using (var bz = BZip2Stream.Create(ms, SharpCompress.Compressors.CompressionMode.Compress, false, leaveOpen: true, tolerateTruncatedStream: false))
        {
            bz.Write(Encoding.UTF8.GetBytes(text));
        }
        return ms.ToArray();
    }

    private static byte[] Zstd(string text)
    {
        var ms = new MemoryStream();
        using (var zs = new ZstdSharp.CompressionStream(ms, 3, 0, leaveOpen: true))
        {
            zs.Write(Encoding.UTF8.GetBytes(text));
        }
        return ms.ToArray();
    }

    private static (LogStatistics Statistics, CollectingConsumer Consumer) Read(params string[] paths)
    {
        var consumer = new CollectingConsumer();
        var statistics = LogPipeline.Run(Inputs.Files(paths), consumer);
        return (statistics, consumer);
    }

    public static TheoryData<string> LibraryFormats => ["gzip", "bzip2", "zstd"];

    [Theory]
    [MemberData(nameof(LibraryFormats))]
    public void LibraryCompressedLogsReadBackLineForLine(string format)
    {
        using var dir = new TempDir();
        var text = SampleLog(5000);
        var bytes = format switch { "gzip" => Gzip(text), "bzip2" => Bzip2(text), _ => Zstd(text) };
        // Named without an extension on purpose: the format is told by the content.
        var path = dir.Write("maillog-20240323", bytes);
        using (var stream = LogOpener.Open(path))
        {
            Assert.Equal(format, CompressionMagic.Name(stream.Format));
        }
        var (statistics, consumer) = Read(path);
        Assert.Empty(statistics.Errors);
        Assert.Equal(text.Split('\n')[..^1], consumer.Texts);
        Assert.Equal(Encoding.UTF8.GetByteCount(text), statistics.Bytes);
    }

    [Theory]
    [InlineData("gzip", "-c", "gz")]
    [InlineData("bzip2", "-c", "bz2")]
    [InlineData("xz", "-c", "xz")]
    [InlineData("zstd", "-q -c", "zst")]
    public void CommandLineCompressedLogsReadBack(string tool, string args, string extension)
    {
        var toolPath = new[] { "/usr/bin/", "/bin/" }.Select(d => d + tool).FirstOrDefault(File.Exists);
        if (toolPath is null)
        {
            output.WriteLine($"SKIPPED: {tool} is not installed (deps/read.txt lists it)");
            return;
        }
        using var dir = new TempDir();
        var text = SampleLog(20000, tool);
        var plain = dir.Write("mail.log.2", text);
        var compressed = dir.File("mail.log.2." + extension);
        var psi = new ProcessStartInfo("/bin/sh", ["-c", $"{toolPath} {args} '{plain}' > '{compressed}'"]);
        using (var process = Process.Start(psi)!)
        {
            process.WaitForExit();
            Assert.Equal(0, process.ExitCode);
        }
        var (statistics, consumer) = Read(compressed);
        Assert.Empty(statistics.Errors);
        Assert.Equal(20000, statistics.Lines);
        Assert.Equal(text.Split('\n')[..^1], consumer.Texts);
    }

    [Fact]
    public void CorruptGzipIsAnErrorNamingTheFileAndTheOtherFilesAreStillRead()
    {
        using var dir = new TempDir();
        var good1 = dir.Write("a/maillog", SampleLog(100, "one"));
        var bytes = Gzip(SampleLog(200000, "bad"));
        for (var i = bytes.Length / 2; i < bytes.Length / 2 + 64; i++)
        {
            bytes[i] ^= 0x5a;
        }
        var bad = dir.Write("b/mail.log.1.gz", bytes);
        var good2 = dir.Write("c/maillog", SampleLog(100, "two"));
        var (statistics, consumer) = Read(good1, bad, good2);

        var error = Assert.Single(statistics.Errors);
        Assert.Equal(bad, error.Path);
        Assert.Contains("gzip", error.Message);
        Assert.NotNull(error.LineNumber);
        Assert.Contains(consumer.Texts, t => t.Contains("client-one-100."));
        Assert.Contains(consumer.Texts, t => t.Contains("client-two-100."));
        Assert.Equal([good1, bad, good2], statistics.InputsRead);
    }

    [Fact]
    public void TruncatedGzipIsReportedWithHowFarItGot()
    {
        using var dir = new TempDir();
        var bytes = Gzip(SampleLog(50000));
        var path = dir.Write("mail.log.2.gz", bytes[..(bytes.Length * 2 / 3)]);
        var (statistics, consumer) = Read(path);
        var error = Assert.Single(statistics.Errors);
        Assert.Contains("truncated gzip", error.Message);
        Assert.True(consumer.Lines.Count > 1000, "the lines before the cut are still read");
        Assert.True(error.LineNumber > 1000);
        output.WriteLine(error.ToString());
    }

    [Fact]
    public void MultiMemberGzipIsReadWholeAndNotMistakenForTruncated()
    {
        using var dir = new TempDir();
        var parts = new[] { SampleLog(30000, "m1"), SampleLog(20000, "m2"), SampleLog(10, "m3") };
        var whole = parts.SelectMany(p => Gzip(p)).ToArray();
        var path = dir.Write("mail.log.3.gz", whole);
        var (statistics, consumer) = Read(path);
        Assert.Empty(statistics.Errors);
        Assert.Equal(string.Concat(parts).Split('\n')[..^1], consumer.Texts);

        // The same file cut inside its second member is still called truncated.
        var cut = dir.Write("mail.log.4.gz", whole[..(Gzip(parts[0]).Length + 2000)]);
        var (cutStatistics, _) = Read(cut);
        Assert.Contains("truncated gzip", Assert.Single(cutStatistics.Errors).Message);
    }

    [Theory]
    [InlineData("bzip2")]
    [InlineData("zstd")]
    public void TruncatedOtherFormatsAreErrorsToo(string format)
    {
        using var dir = new TempDir();
        var text = SampleLog(50000);
        var bytes = format == "bzip2" ? Bzip2(text) : Zstd(text);
        var path = dir.Write("log." + format, bytes[..(bytes.Length / 2)]);
        var (statistics, _) = Read(path);
        var error = Assert.Single(statistics.Errors);
        Assert.Contains(format, error.Message);
        output.WriteLine(error.ToString());
    }

    [Fact]
    public void StdinMayBeCompressedToo()
    {
        var text = SampleLog(300);
        var input = Inputs.FromBytes("-", Gzip(text));
        var consumer = new CollectingConsumer();
        var statistics = LogPipeline.Run([input], consumer);
        Assert.Empty(statistics.Errors);
        Assert.Equal(300, consumer.Lines.Count);
        Assert.All(consumer.Lines, l => Assert.Equal("-", l.Path));
    }
}
