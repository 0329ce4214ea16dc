using SpamTrace.Forensics;

namespace SpamTrace.Tests.Forensics;

public class PopulationTests
{
    /// <summary>The quartile the detector used to compute for each origin: sort everyone else's values again.</summary>
    private static double Naive(List<OriginStats> users, OriginStats self, Func<OriginStats, double> value)
    {
        var sorted = users.Where(u => u != self).Select(value).Where(v => !double.IsNaN(v)).Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[sorted.Length / 4];
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(40)]
    [InlineData(333)]
    public void Each_origins_quartile_leaves_out_that_origin_like_sorting_the_others(int count)
    {
        var random = new Random(count);
        var users = new List<OriginStats>();
        for (var i = 0; i < count; i++)
        {
            var kind = random.Next(4) == 0 ? CulpritKind.Local : CulpritKind.Sasl;
            var s = new OriginStats(new OriginId(kind, $"u{i}"));
            // Few distinct values, so that ties (the judged origin's value repeated by others) are common.
            s.RemoteRecipients = random.Next(0, 4) * 10;
            s.DeferredOnce = s.RemoteRecipients == 0 ? 0 : random.Next(0, 3) * s.RemoteRecipients / 4;
            s.Bounced = s.RemoteRecipients == 0 ? 0 : random.Next(0, 2) * s.RemoteRecipients / 2;
            for (var ip = random.Next(0, 4); ip > 0; ip--)
            {
                s.ClientIps.Add($"192.0.2.{ip}");
            }
            users.Add(s);
        }
        var outsider = new OriginStats(new OriginId(CulpritKind.Relay, "198.51.100.1")) { RemoteRecipients = 10, DeferredOnce = 5 };
        var population = new Detector.Population(users);
        foreach (var self in users.Append(outsider))
        {
            Assert.Equal(Naive(users, self, s => s.DeferralRate), population.DeferralRate(self));
            Assert.Equal(Naive(users, self, s => s.BounceRate), population.BounceRate(self));
            Assert.Equal(Math.Max(1, Naive(users, self, s => s.Id.Kind == CulpritKind.Sasl ? s.ClientIps.Count : double.NaN)), population.LoginIps(self));
        }
    }
}
