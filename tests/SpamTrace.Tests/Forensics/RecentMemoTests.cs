using SpamTrace.Forensics;

namespace SpamTrace.Tests.Forensics;

public class RecentMemoTests
{
    [Fact]
    public void Computes_once_per_key_while_it_keeps_its_slot()
    {
        var calls = new List<string>();
        var memo = new RecentMemo<int>(k => { calls.Add(k); return k.Length; });
        Assert.Equal(5, memo.Get("hello"));
        Assert.Equal(5, memo.Get("hello"));
        // An equal string that is another instance hits too.
        Assert.Equal(5, memo.Get(new string("hello".AsSpan())));
        Assert.Equal(["hello"], calls);
    }

    [Fact]
    public void Keys_are_compared_by_value_ordinally()
    {
        var memo = new RecentMemo<string>(k => k.ToUpperInvariant());
        Assert.Equal("MX.EXAMPLE.NET", memo.Get("mx.example.net"));
        Assert.Equal("MX.EXAMPLE.NET", memo.Get("MX.example.net"));
        Assert.Equal("MX.EXAMPLE.ORG", memo.Get("mx.example.org"));
    }

    [Fact]
    public void A_colliding_key_takes_the_slot_and_answers_stay_right()
    {
        var calls = 0;
        // One slot: every key collides.
        var memo = new RecentMemo<string?>(k => { calls++; return k == "none" ? null : k + "!"; }, slotsLog2: 0);
        Assert.Equal("a!", memo.Get("a"));
        Assert.Equal("b!", memo.Get("b"));
        Assert.Equal("a!", memo.Get("a"));
        Assert.Null(memo.Get("none"));
        Assert.Null(memo.Get("none"));
        Assert.Equal(4, calls);
    }
}
