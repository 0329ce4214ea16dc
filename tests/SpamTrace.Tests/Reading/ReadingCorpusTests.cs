using SpamTrace.Logs.Reading;
using SpamTrace.Tests.Support;
using Xunit.Abstractions;

namespace SpamTrace.Tests.Reading;

/// <summary>Every real log of ../shared/corpora/logs goes through the pipeline whole, line for line, compressed or not.</summary>
public sealed class ReadingCorpusTests(ITestOutputHelper output)
{
    private static IEnumerable<string> CorpusLogs(string root) => Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
        .Where(f => Path.GetFileName(f) is "maillog" or "mailog2" or "mail.log" or "postfix" or "test.log" or "test-iso8601.log" or "postfix-log.txt")
        .Order(StringComparer.Ordinal);

    [Fact]
    public void CorpusLogsAreReadLineForLinePlainAndCompressed()
    {
        var root = SharedCorpora.Find("logs");
        if (root is null)
        {
            output.WriteLine("SKIPPED: ../shared/corpora/logs not found");
            return;
        }
        using var dir = new TempDir();
        var checkedFiles = 0;
        foreach (var path in CorpusLogs(root))
        {
            var bytes = File.ReadAllBytes(path);
            var expected = File.ReadAllLines(path).Length;
            var gz = dir.Write(Path.GetFileName(path) + checkedFiles + ".gz", Gzip(bytes));
            foreach (var input in new[] { path, gz })
            {
                var consumer = new CollectingConsumer();
                var statistics = LogPipeline.Run(Inputs.Files(input), consumer, new LogPipelineOptions { ChunkSize = 4096, MaxLineLength = 2000 });
                Assert.Empty(statistics.Errors);
                Assert.Equal(expected, statistics.Lines);
                Assert.Equal(File.ReadAllLines(path).Select(l => l.Length > 2000 ? l[..2000] : l), consumer.Texts);
            }
            checkedFiles++;
        }
        output.WriteLine($"{checkedFiles} corpus logs read plain and gzipped");
        Assert.True(checkedFiles >= 5, $"only {checkedFiles} corpus logs found under {root}");
    }

    private static byte[] Gzip(byte[] bytes)
    {
        var ms = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(ms, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(bytes);
        }
        return ms.ToArray();
    }
}
