using SpamTrace.Logs.Reading;

namespace SpamTrace.Tests.Reading;

public sealed class YearInferenceTests
{
    private static readonly LogPipelineOptions TimeOnly = new() { ParseLine = SyslogTimeOnlyParser.Parse };

    private static List<DateTime> Times(string text, DateTime? lastWriteUtc, DateTime? now = null)
    {
        var consumer = new CollectingConsumer();
        var options = new LogPipelineOptions { ParseLine = SyslogTimeOnlyParser.Parse, NowUtc = now, ChunkSize = 256, MaxLineLength = 100, MaxLinesPerChunk = 2 };
        LogPipeline.Run([Inputs.FromText("maillog", text, lastWriteUtc)], consumer, options);
        Assert.All(consumer.Lines, l => Assert.True(l.Event.Time.HasYear, $"line {l.LineNumber} has no year"));
        return consumer.Lines.Select(l => l.Event.Time.ToUtcDateTime()).ToList();
    }

    [Fact]
    public void AFileSpanningNewYearGetsBothYears()
    {
        const string text = """
            Dec 30 23:00:00 mx postfix/qmgr[1]: A: removed
            Dec 31 23:59:59 mx postfix/qmgr[1]: B: removed
            Jan  1 00:00:01 mx postfix/qmgr[1]: C: removed
            Jan 02 10:00:00 mx postfix/qmgr[1]: D: removed
            Feb 10 10:00:00 mx postfix/qmgr[1]: E: removed

            """;
        var times = Times(text, new DateTime(2024, 2, 10, 10, 5, 0, DateTimeKind.Utc));
        Assert.Equal(
            [new DateTime(2023, 12, 30, 23, 0, 0), new DateTime(2023, 12, 31, 23, 59, 59), new DateTime(2024, 1, 1, 0, 0, 1), new DateTime(2024, 1, 2, 10, 0, 0), new DateTime(2024, 2, 10, 10, 0, 0)],
            times);
    }

    [Fact]
    public void ALineLoggedOutOfOrderAcrossNewYearStaysInTheOldYear()
    {
        const string text = """
            Dec 31 23:59:58 mx postfix/smtpd[1]: a
            Jan  1 00:00:01 mx postfix/smtpd[1]: b
            Dec 31 23:59:59 mx postfix/cleanup[2]: c
            Jan  1 00:00:02 mx postfix/smtpd[1]: d

            """;
        var times = Times(text, new DateTime(2024, 1, 1, 0, 1, 0, DateTimeKind.Utc));
        Assert.Equal([2023, 2024, 2023, 2024], times.Select(t => t.Year));
    }

    [Fact]
    public void TheLogDoesNotEndInTheFuture()
    {
        // Written in March 2024: a log starting in April must be from 2023, even across months of silence.
        var times = Times("Apr  5 10:00:00 mx x: a\nDec 24 10:00:00 mx x: b\nMar  1 09:00:00 mx x: c\n", new DateTime(2024, 3, 2, 0, 0, 0, DateTimeKind.Utc));
        Assert.Equal([new DateTime(2023, 4, 5, 10, 0, 0), new DateTime(2023, 12, 24, 10, 0, 0), new DateTime(2024, 3, 1, 9, 0, 0)], times);
    }

    [Fact]
    public void ATimeZoneAheadOfUtcIsNotMistakenForTheFuture()
    {
        // Logged at 08:30 local in UTC+9, file written 23:30 UTC the day before.
        var times = Times("Jan  1 08:30:00 mx x: a\n", new DateTime(2023, 12, 31, 23, 30, 0, DateTimeKind.Utc));
        Assert.Equal(2024, times[0].Year);
    }

    [Fact]
    public void StdinUsesTheCurrentTime()
    {
        var times = Times("Nov 20 10:00:00 mx x: a\n", null, new DateTime(2025, 3, 1, 0, 0, 0, DateTimeKind.Utc));
        Assert.Equal(new DateTime(2024, 11, 20, 10, 0, 0), times[0]);
    }

    [Fact]
    public void EachInputStartsFromItsOwnFileTime()
    {
        var consumer = new CollectingConsumer();
        LogPipeline.Run(
            [
                Inputs.FromText("maillog-20231231", "Dec 30 10:00:00 mx x: a\n", new DateTime(2023, 12, 31, 0, 0, 0, DateTimeKind.Utc)),
                Inputs.FromText("maillog", "Dec 30 10:00:00 mx x: b\n", new DateTime(2024, 12, 31, 0, 0, 0, DateTimeKind.Utc)),
            ],
            consumer, TimeOnly);
        Assert.Equal([2023, 2024], consumer.Lines.Select(l => l.Event.Time.ToUtcDateTime().Year));
    }

    [Fact]
    public void StatisticsCarryTheFirstAndLastTime()
    {
        var statistics = LogPipeline.Run(
            [Inputs.FromText("m", "Dec 31 23:00:00 mx x: a\nJan  1 01:00:00 mx x: b\n", new DateTime(2024, 1, 1, 2, 0, 0, DateTimeKind.Utc))],
            new CollectingConsumer(), TimeOnly);
        Assert.Equal(new DateTime(2023, 12, 31, 23, 0, 0), statistics.FirstTimeUtc);
        Assert.Equal(new DateTime(2024, 1, 1, 1, 0, 0), statistics.LastTimeUtc);
    }

    [Fact]
    public void AFileThatJumpsBackAndForthDoesNotDriftIntoTheFuture()
    {
        var times = Times("Aug 31 10:00:00 mx x: a\nFeb 25 10:00:00 mx x: b\nAug 30 10:00:00 mx x: c\nJan  5 10:00:00 mx x: d\n", new DateTime(2024, 9, 1, 0, 0, 0, DateTimeKind.Utc));
        Assert.All(times, t => Assert.True(t <= new DateTime(2024, 9, 1), $"{t} is after the file was written"));
    }

    [Fact]
    public void February29FindsALeapYear()
    {
        var times = Times("Feb 29 12:00:00 mx x: a\nMar  1 12:00:00 mx x: b\n", new DateTime(2025, 1, 15, 0, 0, 0, DateTimeKind.Utc));
        Assert.Equal([new DateTime(2024, 2, 29, 12, 0, 0), new DateTime(2024, 3, 1, 12, 0, 0)], times);
    }
}
