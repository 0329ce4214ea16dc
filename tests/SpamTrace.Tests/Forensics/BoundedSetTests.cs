using SpamTrace.Common;

namespace SpamTrace.Tests.Forensics;

public class BoundedSetTests
{
    [Fact]
    public void A_single_value_is_held_without_a_hash_set_and_compared_ignoring_case()
    {
        var set = new BoundedSet(10);
        Assert.True(set.Add("alice@example.com"));
        Assert.False(set.Add("ALICE@example.com"));
        Assert.False(set.Add(new string("alice@example.com".AsSpan())));
        Assert.Equal(1, set.Count);
        Assert.True(set.Contains("Alice@Example.com"));
        Assert.False(set.Contains("bob@example.com"));
        Assert.Equal(["alice@example.com"], set.Items);
    }

    [Fact]
    public void A_second_value_keeps_the_order_of_arrival_and_the_first_value()
    {
        var set = new BoundedSet(10);
        set.Add("b");
        Assert.True(set.Add("a"));
        Assert.True(set.Add("c"));
        Assert.False(set.Add("B"));
        Assert.Equal(3, set.Count);
        Assert.Equal(["b", "a", "c"], set.Items);
        Assert.True(set.Contains("A"));
        Assert.False(set.Saturated);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    public void Stops_at_the_cap_and_says_so(int cap, int kept)
    {
        var set = new BoundedSet(cap);
        foreach (var v in new[] { "a", "b", "c", "a", "B" })
        {
            set.Add(v);
        }
        Assert.Equal(kept, set.Count);
        Assert.Equal(cap < 3, set.Saturated);
        Assert.Equal(cap < 3 ? $"{kept}+" : $"{kept}", set.CountText);
        // A value already in the set is found, not refused, once the set is full.
        Assert.False(set.Add("A"));
        Assert.Equal(kept, set.Count);
    }

    [Fact]
    public void The_same_instance_again_is_not_added_twice_and_other_values_still_are()
    {
        var set = new BoundedSet(10);
        var ip = "192.0.2.7";
        Assert.True(set.Add(ip));
        Assert.False(set.Add(ip));
        Assert.True(set.Add("192.0.2.8"));
        Assert.False(set.Add(ip));
        Assert.False(set.Add("192.0.2.8"));
        Assert.Equal(2, set.Count);
    }

    [Fact]
    public void Null_and_empty_are_ignored()
    {
        var set = new BoundedSet(10);
        Assert.False(set.Add(null));
        Assert.False(set.Add(""));
        Assert.Equal(0, set.Count);
        Assert.Empty(set.Items);
    }
}
