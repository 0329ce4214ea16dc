using SpamTrace.Logs.Parsing;

namespace SpamTrace.Tests;

public class TimestampTests
{
    [Fact]
    public void Year_less_timestamp_resolves_and_rejects_feb_29_in_common_years()
    {
        var ts = new LogTimestamp { Month = 2, Day = 29, Ticks = TimeSpan.FromHours(5).Ticks, Flags = TimestampFlags.Valid };
        var copy = ts;
        Assert.False(copy.ResolveYear(2023));
        Assert.True(ts.ResolveYear(2024));
        Assert.Equal(new DateTime(2024, 2, 29, 5, 0, 0), ts.ToUtcDateTime());
    }
}
