namespace SpamTrace.Forensics;

/// <summary>
/// One origin's evidence as its kind's model defines it: defining signs (what makes the abuse: an unauthenticated
/// client relaying out, a login used from strange IPs after guessing...) and corroboration (receivers' refusals,
/// volume, shape). Corroboration raises confidence, never makes a culprit on its own: it adds at most
/// <see cref="CorroborationCap"/> and never more than the defining signs, so a busy clean sender scores nothing.
/// </summary>
internal sealed class EvidenceSet
{
    public const int CorroborationCap = 25;

    private readonly List<Evidence> _defining = [];
    private readonly List<Evidence> _corroborating = [];

    public void Define(string code, string text, int points) => _defining.Add(new Evidence(code, text, points, true));

    public void Corroborate(string code, string text, int points) => _corroborating.Add(new Evidence(code, text, points, false));

    public int DefiningPoints => _defining.Sum(e => e.Points);

    /// <summary>
    /// The evidence with its final points, most first: corroboration cut down to the cap, the strongest items kept whole.
    /// Items beyond the cap stay listed with 0 points (what was seen is still said).
    /// </summary>
    public List<Evidence> Final()
    {
        var room = Math.Min(CorroborationCap, Math.Max(0, DefiningPoints));
        var all = new List<Evidence>(_defining);
        foreach (var e in _corroborating.OrderByDescending(e => e.Points))
        {
            var points = Math.Min(e.Points, room);
            room -= points;
            all.Add(e with { Points = points });
        }
        return all.OrderByDescending(e => e.Points).ThenByDescending(e => e.Abuse).ToList();
    }
}
