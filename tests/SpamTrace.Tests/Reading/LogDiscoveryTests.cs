using SpamTrace.Logs.Reading;

namespace SpamTrace.Tests.Reading;

public sealed class LogDiscoveryTests
{
    private static List<string> Names(IReadOnlyList<LogInput> inputs) => inputs.Select(i => Path.GetFileName(i.Path)).ToList();

    [Fact]
    public void NumberedRotationsAreReadOldestFirstWithTheLiveFileLast()
    {
        using var dir = new TempDir();
        foreach (var name in new[] { "mail.log", "mail.log.1", "mail.log.2.gz", "mail.log.10.gz", "mail.log.3.gz" })
        {
            dir.Write(name, "x\n");
        }
        var (inputs, errors) = LogDiscovery.Resolve([dir.Path]);
        Assert.Empty(errors);
        Assert.Equal(["mail.log.10.gz", "mail.log.3.gz", "mail.log.2.gz", "mail.log.1", "mail.log"], Names(inputs));
    }

    [Fact]
    public void DateextRotationsAreOrderedByDateWhateverTheOrderGiven()
    {
        using var dir = new TempDir();
        var live = dir.Write("maillog", "x\n");
        var march = dir.Write("maillog-20140323", "x\n");
        var feb = dir.Write("maillog-20140216.gz", "x\n");
        var april = dir.Write("maillog-20140401.bz2", "x\n");
        var (inputs, errors) = LogDiscovery.Resolve([live, april, march, feb]);
        Assert.Empty(errors);
        Assert.Equal(["maillog-20140216.gz", "maillog-20140323", "maillog-20140401.bz2", "maillog"], Names(inputs));
    }

    [Fact]
    public void SeveralFamiliesKeepTheirOwnOrderAndTheOrderInWhichTheyWereNamed()
    {
        using var dir = new TempDir();
        var a = dir.Write("a/mail.log", "x\n");
        var a1 = dir.Write("a/mail.log.1", "x\n");
        var b = dir.Write("b/maillog", "x\n");
        var b1 = dir.Write("b/maillog-20240101.gz", "x\n");
        var (inputs, _) = LogDiscovery.Resolve([b, a, b1, a1]);
        Assert.Equal([b1, b, a1, a], inputs.Select(i => i.Path).ToList());
    }

    [Fact]
    public void PriorityFilteredCopiesAreSkippedWhenMailLogIsThere()
    {
        using var dir = new TempDir();
        foreach (var name in new[] { "mail.log", "mail.log.1", "mail.err", "mail.warn", "mail.info", "mail.info.1", "syslog", "messages" })
        {
            dir.Write(name, "x\n");
        }
        var (inputs, _) = LogDiscovery.Resolve([dir.Path]);
        Assert.Equal(["mail.log.1", "mail.log"], Names(inputs));

        var (globbed, _) = LogDiscovery.Resolve([Path.Combine(dir.Path, "mail*")]);
        Assert.Equal(["mail.log.1", "mail.log"], Names(globbed));
    }

    [Fact]
    public void WithoutMailLogTheMostCompletePriorityFileIsRead()
    {
        using var dir = new TempDir();
        foreach (var name in new[] { "mail.err", "mail.warn", "mail.info" })
        {
            dir.Write(name, "x\n");
        }
        var (inputs, _) = LogDiscovery.Resolve([dir.Path]);
        Assert.Equal(["mail.info"], Names(inputs));
    }

    [Fact]
    public void ExplicitlyNamedFilesAreAlwaysRead()
    {
        using var dir = new TempDir();
        var log = dir.Write("mail.log", "x\n");
        var err = dir.Write("mail.err", "x\n");
        var (inputs, _) = LogDiscovery.Resolve([log, err]);
        Assert.Equal(2, inputs.Count);
    }

    [Fact]
    public void GlobsExpandInTheFileNameAndInDirectories()
    {
        using var dir = new TempDir();
        dir.Write("host1/maillog", "x\n");
        dir.Write("host2/maillog", "x\n");
        dir.Write("host2/maillog-20240301", "x\n");
        var (inputs, errors) = LogDiscovery.Resolve([Path.Combine(dir.Path, "host*", "maillog*")]);
        Assert.Empty(errors);
        Assert.Equal(
            [Path.Combine(dir.Path, "host1", "maillog"), Path.Combine(dir.Path, "host2", "maillog-20240301"), Path.Combine(dir.Path, "host2", "maillog")],
            inputs.Select(i => i.Path).ToList());
    }

    [Fact]
    public void MissingPathsAndEmptyGlobsAreErrorsAndTheRestIsStillRead()
    {
        using var dir = new TempDir();
        var log = dir.Write("mail.log", "x\n");
        var missing = dir.File("nope.log");
        var (inputs, errors) = LogDiscovery.Resolve([missing, log, dir.File("zz*")]);
        Assert.Single(inputs);
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Path == missing && e.Message.Contains("no such file"));
        Assert.Contains(errors, e => e.Message.Contains("no file matches"));
    }

    [Fact]
    public void NoPathMeansTheSystemMailLogsOfBothFamilies()
    {
        using var dir = new TempDir();
        foreach (var name in new[] { "maillog", "maillog-20240310", "mail.log", "mail.log.1", "mail.warn", "secure" })
        {
            dir.Write(name, "x\n");
        }
        var (inputs, errors) = LogDiscovery.Resolve([], dir.Path);
        Assert.Empty(errors);
        Assert.Equal(["mail.log.1", "mail.log", "maillog-20240310", "maillog"], Names(inputs));
    }

    [Fact]
    public void NoPathAndNoMailLogIsAnErrorNamingWhereItLooked()
    {
        using var dir = new TempDir();
        var (inputs, errors) = LogDiscovery.Resolve([], dir.Path);
        Assert.Empty(inputs);
        Assert.Contains("maillog*", Assert.Single(errors).Message);
    }

    [Fact]
    public void DashIsStdinWithoutFileTime()
    {
        var (inputs, errors) = LogDiscovery.Resolve(["-"]);
        Assert.Empty(errors);
        var stdin = Assert.Single(inputs);
        Assert.Equal("-", stdin.Path);
        Assert.Null(stdin.LastWriteUtc);
        Assert.Null(stdin.SizeOnDisk);
    }

    [Fact]
    public void InputsCarryFileTimeAndSize()
    {
        using var dir = new TempDir();
        var when = new DateTime(2024, 1, 5, 6, 0, 0, DateTimeKind.Utc);
        var log = dir.Write("maillog", "abc\n", when);
        var input = Assert.Single(Inputs.Files(log));
        Assert.Equal(when, input.LastWriteUtc);
        Assert.Equal(4, input.SizeOnDisk);
    }
}
