using System.Globalization;
using SpamTrace.Common;
using SpamTrace.Logs.Correlation;

namespace SpamTrace.Forensics;

/// <summary>
/// Temporary refusals our own smtpd gave for greylisting ("NOQUEUE: reject: RCPT from ...: 450 4.7.1 ...: Recipient
/// address rejected: Greylisted, retry in 300 seconds" from our policy service, "Greylisted, see
/// http://postgrey..." from postgrey). They defer every new sender's first attempt, so they say nothing about
/// abuse and are not refusals by receivers: they are counted here and nowhere else.
/// </summary>
public sealed class GreylistDeferrals
{
    private readonly BoundedSet _clients = new(100_000);

    public long Attempts { get; private set; }

    public int Clients => _clients.Count;

    /// <summary>Counts the event and returns true when it is a greylisting deferral; false leaves it to the caller.</summary>
    public bool TryAdd(SessionEvent e)
    {
        if (!IsGreylisting(e.Code, e.Text))
        {
            return false;
        }
        Attempts += e.Count;
        _clients.Add(e.ClientIp);
        return true;
    }

    /// <summary>A 4xx refusal whose text says greylisted/greylisting (our policy service, postgrey, sqlgrey, milter-greylist).</summary>
    public static bool IsGreylisting(string? code, string? text) =>
        text is not null && code is { Length: > 0 } && code[0] == '4'
        && text.Contains("Greylist", StringComparison.OrdinalIgnoreCase);

    /// <summary>The diagnosis line, or null when the log holds no greylisting deferral.</summary>
    public string? Note() => Attempts == 0
        ? null
        : string.Create(CultureInfo.InvariantCulture,
            $"greylisting deferred {Attempts} attempt{(Attempts == 1 ? "" : "s")} from {_clients.CountText} client{(Clients == 1 ? "" : "s")} (our own temporary refusals: not abuse, not refusals by receivers)");
}
