namespace SpamTrace.WebScan.Matching;

/// <summary>Which rules fired in one text, each with the offset of its first match (for the snippet).</summary>
public sealed class RuleHits
{
    private readonly int[] first;

    public RuleHits(int ruleCount)
    {
        first = new int[ruleCount];
        Array.Fill(first, -1);
    }

    public bool Fired(int rule) => first[rule] >= 0;

    /// <summary>Whether any rule fired.</summary>
    public bool Any { get; private set; }

    public int Offset(int rule) => first[rule];

    public void Mark(int rule, int offset)
    {
        Any = true;
        if (first[rule] < 0 || offset < first[rule])
        {
            first[rule] = offset;
        }
    }
}
