namespace SpamTrace.Policy.Greylisting;

/// <summary>What a triplet's store entry holds: first and last seen, in Unix seconds.</summary>
public struct TripletEntry
{
    public bool Exists;
    public long First;
    public long Last;
}

/// <summary>What an auto-whitelist entry holds for one client address.</summary>
public struct ClientEntry
{
    public bool Exists;
    public long Count;
    public long Last;
}

public enum GreylistResult
{
    /// <summary>First attempt, or a retry before the delay: deferred.</summary>
    Greylisted,

    /// <summary>A retry after the delay: the triplet passes from now on.</summary>
    PassedAfterRetry,

    /// <summary>The triplet had passed before.</summary>
    Passed,

    /// <summary>The client is auto-whitelisted: its triplets are not looked at.</summary>
    AutoWhitelisted,
}

/// <summary>One decision of the timers.</summary>
public struct GreylistOutcome
{
    public GreylistResult Result;

    /// <summary>When the triplet was first seen (now for a new one).</summary>
    public long FirstSeen;

    /// <summary>Seconds still to wait when greylisted.</summary>
    public long RetryIn;

    /// <summary>The client's successful retries so far (auto-whitelist count).</summary>
    public long ClientCount;

    /// <summary>This decision made the client auto-whitelisted.</summary>
    public bool NewlyAutoWhitelisted;

    /// <summary>The triplet had an entry that was too old (not retried within the retry window, or unseen for max age).</summary>
    public bool Expired;

    /// <summary>The alternate key (the client's own network, for a pool) held the entry that was used.</summary>
    public bool UsedAlternate;
}

/// <summary>
/// postgrey 1.37's timers (smtpd_access_policy), applied to one triplet and its client's auto-whitelist entry. The
/// stores call this inside their atomic step. One difference: an entry past max age counts as absent at once, where
/// postgrey forgets it at its nightly maintenance.
/// </summary>
public static class GreylistTimers
{
    public static GreylistOutcome Apply(ref TripletEntry triplet, ref ClientEntry client, long now, in GreylistSettings settings)
    {
        var outcome = new GreylistOutcome();
        var awl = settings.AutoWhitelist > 0;
        if (client.Exists && now - client.Last > settings.MaxAge)
        {
            client = default;
        }
        if (awl && client.Exists && client.Count >= settings.AutoWhitelist)
        {
            if (now >= client.Last + 3600 || client.Last > now)
            {
                client.Count++;
                client.Last = now;
            }
            outcome.Result = GreylistResult.AutoWhitelisted;
            outcome.ClientCount = client.Count;
            return outcome;
        }
        if (triplet.Exists && IsExpired(triplet, now, settings))
        {
            triplet = default;
            outcome.Expired = true;
        }
        long first;
        var lastWasSuccessful = false;
        if (triplet.Exists)
        {
            first = triplet.First;
            if (triplet.Last - first >= settings.Delay)
            {
                lastWasSuccessful = true;
            }
            else if (now - first > settings.RetryWindow)
            {
                first = now;
                outcome.Expired = true;
            }
            if (first > now)
            {
                first = now;
            }
        }
        else
        {
            first = now;
        }
        triplet.Exists = true;
        triplet.First = first;
        triplet.Last = now;
        var diff = settings.Delay - (now - first);
        if (awl && diff <= 0 && !lastWasSuccessful && (!client.Exists || now >= client.Last + 3600))
        {
            client.Count = client.Exists ? client.Count + 1 : 1;
            client.Last = now;
            client.Exists = true;
            outcome.NewlyAutoWhitelisted = client.Count == settings.AutoWhitelist;
        }
        outcome.FirstSeen = first;
        outcome.ClientCount = client.Exists ? client.Count : 0;
        if (diff > 0)
        {
            outcome.Result = GreylistResult.Greylisted;
            outcome.RetryIn = diff;
        }
        else
        {
            outcome.Result = lastWasSuccessful ? GreylistResult.Passed : GreylistResult.PassedAfterRetry;
        }
        return outcome;
    }

    /// <summary>
    /// postgrey's maintenance rule: gone when unseen for max age, or never passed and unseen for the retry window.
    /// </summary>
    public static bool IsExpired(in TripletEntry triplet, long now, in GreylistSettings settings) =>
        now - triplet.Last > settings.MaxAge
        || (triplet.Last - triplet.First < settings.Delay && now - triplet.Last > settings.RetryWindow);

    public static bool IsExpired(in ClientEntry client, long now, in GreylistSettings settings) => now - client.Last > settings.MaxAge;
}
