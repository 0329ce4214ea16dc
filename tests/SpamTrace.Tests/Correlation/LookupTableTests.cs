using System.Text;
using SpamTrace.Logs.Correlation;

namespace SpamTrace.Tests.Correlation;

/// <summary>The correlator's per-line lookups: queue-ID keys, the string pool and the recent-strings cache.</summary>
public class LookupTableTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Theory]
    [InlineData("3A452D963D", "3A452D963E")]            // short IDs differing in the last digit
    [InlineData("4Qd1x35vB7z1Yqg", "4Qd1x35vB7z1Yqh")]  // long IDs
    [InlineData("ABCDE", "ABCDE0")]                     // a prefix is another ID
    [InlineData("4Qd1x35vB7z1YqgAB", "4Qd1x35vB7z1YqgAC")] // longer than 16 bytes: hashed
    public void Queue_keys_tell_ids_apart_and_agree_on_equal_ids(string a, string b)
    {
        Assert.Equal(QueueKey.From(B(a)), QueueKey.From(B(a)));
        Assert.Equal(QueueKey.From(B(a)).GetHashCode(), QueueKey.From(B(a)).GetHashCode());
        Assert.NotEqual(QueueKey.From(B(a)), QueueKey.From(B(b)));
    }

    [Fact]
    public void Thousands_of_real_looking_ids_have_distinct_keys_and_spread_over_hash_buckets()
    {
        var random = new Random(7);
        var ids = new HashSet<string>();
        while (ids.Count < 20_000)
        {
            ids.Add(random.NextInt64(0, 1L << 40).ToString("X10", System.Globalization.CultureInfo.InvariantCulture));
        }
        var keys = ids.Select(id => QueueKey.From(B(id))).ToHashSet();
        Assert.Equal(ids.Count, keys.Count);
        var buckets = keys.Select(k => (uint)k.GetHashCode() % 1024).GroupBy(b => b).Max(g => g.Count());
        Assert.True(buckets < 60, $"fullest of 1024 buckets holds {buckets} of 20,000 keys");
    }

    [Fact]
    public void String_pool_returns_one_instance_per_value_and_survives_growth()
    {
        var pool = new StringPool();
        var first = new Dictionary<string, string>();
        for (var i = 0; i < 5_000; i++)
        {
            var value = $"mx{i}.example.com[192.0.2.{i % 250}]:25";
            first[value] = pool.Get(B(value))!;
        }
        foreach (var (value, pooled) in first)
        {
            var again = pool.Get(B(value));
            Assert.Equal(value, again);
            Assert.Same(pooled, again);
        }
        Assert.Null(pool.Get([]));
        Assert.Equal("ü@exämple.org", pool.Get(B("ü@exämple.org")));
    }

    [Fact]
    public void Recent_strings_share_a_repeated_value_and_stay_correct_when_slots_collide()
    {
        var recent = new RecentStrings(slotsLog2: 2); // four slots: most values evict one another
        var reply = "421 4.7.0 [TS03] All messages from [198.51.100.25] will be permanently deferred; Retrying will NOT succeed.";
        Assert.Same(recent.Get(B(reply)), recent.Get(B(reply)));
        for (var i = 0; i < 1_000; i++)
        {
            var value = $"user{i}@example.net";
            Assert.Equal(value, recent.Get(B(value)));
        }
        Assert.Equal("ñandú@example.org", recent.Get(B("ñandú@example.org")));
        Assert.Null(recent.Get([]));
    }

    [Fact]
    public void Sampled_hash_of_long_values_depends_on_length_and_both_ends()
    {
        var a = B(new string('a', 100));
        var longer = B(new string('a', 101));
        var end = B(new string('a', 99) + "b");
        var start = B("b" + new string('a', 99));
        var h = Utf8Hash.Sampled(a);
        Assert.NotEqual(h, Utf8Hash.Sampled(longer));
        Assert.NotEqual(h, Utf8Hash.Sampled(end));
        Assert.NotEqual(h, Utf8Hash.Sampled(start));
        Assert.Equal(h, Utf8Hash.Sampled(B(new string('a', 100))));
    }
}

/// <summary>The "just emitted" memory that keeps straggling lines from starting phantom messages.</summary>
public class EmittedWindowTests
{
    private static QueueKey Key(string id) => QueueKey.From(Encoding.ASCII.GetBytes(id));

    [Fact]
    public void An_emitted_id_is_remembered_for_the_window_across_a_generation_swap_and_then_forgotten()
    {
        var host = new HostState("mx");
        var t0 = new DateTime(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc).Ticks;
        var minute = TimeSpan.TicksPerMinute;
        host.RememberEmitted(Key("AAAA11111"), t0);
        Assert.True(host.WasJustEmitted(Key("AAAA11111"), t0 + minute));
        Assert.False(host.WasJustEmitted(Key("BBBB22222"), t0 + minute));

        // Another message emitted later starts a new generation: the first one is still within its window.
        host.RememberEmitted(Key("CCCC33333"), t0 + (2 * minute) + 1);
        Assert.True(host.WasJustEmitted(Key("AAAA11111"), t0 + (2 * minute)));
        // Past the window it no longer counts, even while it is still stored.
        Assert.False(host.WasJustEmitted(Key("AAAA11111"), t0 + (3 * minute)));

        // Two swaps later it is gone altogether; the newer one is remembered.
        host.RememberEmitted(Key("DDDD44444"), t0 + (5 * minute));
        Assert.False(host.WasJustEmitted(Key("AAAA11111"), t0 + (2 * minute)));
        Assert.True(host.WasJustEmitted(Key("DDDD44444"), t0 + (6 * minute)));
        Assert.True(host.WasJustEmitted(Key("CCCC33333"), t0 + (4 * minute)));
    }
}

/// <summary>Replies kept as UTF-8 bytes until read, shared between recipients when equal.</summary>
public class ReplyBytesTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Recent_bytes_share_an_equal_value_and_copy_a_new_one()
    {
        var recent = new RecentBytes(slotsLog2: 2);
        var line = B("host mx[192.0.2.1] said: 421 4.7.0 [TS03] All messages from [198.51.100.25] will be permanently deferred");
        var first = recent.Get(line)!;
        Assert.Same(first, recent.Get(line.AsSpan()));
        Assert.Equal(line, first);
        line[0] = (byte)'H';
        Assert.NotEqual(line, first); // a copy, not the caller's buffer
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(B($"550 5.1.1 <u{i}@example.net> unknown"), recent.Get(B($"550 5.1.1 <u{i}@example.net> unknown")));
        }
        Assert.Null(recent.Get([]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RecentBytes(slotsLog2: 4096));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RecentStrings(slotsLog2: 8192));
    }

    [Fact]
    public void A_reply_set_from_bytes_reads_as_the_decoded_text_and_a_string_replaces_it()
    {
        var r = new RecipientResult { Address = "a@example.net" };
        var bytes = B("250 2.0.0 Ok: queued as 4F2A1C2B3D — déjà");
        r.SetReply(bytes);
        r.SetFirstDeferralReply(bytes);
        Assert.Equal("250 2.0.0 Ok: queued as 4F2A1C2B3D — déjà", r.Reply);
        Assert.Same(r.Reply, r.FirstDeferralReply);
        Assert.True(r.HasFirstDeferralReply);
        r.Reply = "replaced";
        Assert.Equal("replaced", r.Reply);
        Assert.Equal("250 2.0.0 Ok: queued as 4F2A1C2B3D — déjà", r.FirstDeferralReply);
        r.SetReply(null);
        Assert.Null(r.Reply);
    }

    [Theory]
    [InlineData("delivery temporarily suspended: connect to mx[192.0.2.1]:25: Connection timed out", 1)]
    [InlineData("Delivery Temporarily Suspended: host refused", 1)]
    [InlineData("250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 3F1A", 2)]
    [InlineData("250 2.0.0 Ok: queued as 3F1A", 0)]
    [InlineData("delivery temporarily", 0)]
    [InlineData("", 0)]
    public void Reply_hints_read_the_same_from_bytes_as_from_text(string reply, int hints)
    {
        var expected = (HopClassifier.ReplyHints)hints;
        Assert.Equal(expected, HopClassifier.HintsOf(reply.AsSpan()));
        Assert.Equal(expected, HopClassifier.HintsOf(B(reply).AsSpan()));
    }
}
