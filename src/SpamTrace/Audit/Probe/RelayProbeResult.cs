using System.Net;

namespace SpamTrace.Audit.Probe;

public enum RelayVerdict
{
    /// <summary>No trick was accepted: this server refuses to relay for the probe's client address.</summary>
    Closed,
    /// <summary>At least one trick was accepted from an address the server has no reason to trust.</summary>
    Open,
    /// <summary>Tricks were accepted, but from an address the server may trust (this host, without XCLIENT), or the probe was cut short.</summary>
    NotConclusive,
}

public enum XclientUse
{
    /// <summary>The server did not offer XCLIENT to this client (smtpd_authorized_xclient_hosts does not list it).</summary>
    NotOffered,
    /// <summary>Offered and accepted: the tricks ran as <see cref="RelayProbeResult.ProbeAddress"/>.</summary>
    Used,
    /// <summary>Offered, but the XCLIENT command was refused.</summary>
    Refused,
    /// <summary>Offered, and not used because the options said not to.</summary>
    Disabled,
}

/// <summary>One trick's outcome: the MAIL FROM reply, the RCPT TO reply (null when MAIL was refused) and whether both were accepted.</summary>
public sealed record RelayTrial(RelayTrick Trick, SmtpReply Mail, SmtpReply? Rcpt)
{
    public bool Accepted => Mail.IsPositiveCompletion && Rcpt is { IsPositiveCompletion: true };
}

/// <summary>What the probe saw and concluded.</summary>
public sealed record RelayProbeResult
{
    public required string Target { get; init; }
    public required IPEndPoint Remote { get; init; }
    public required IPEndPoint Local { get; init; }
    public required SmtpReply Greeting { get; init; }
    public string? ServerName { get; init; }
    public bool Tls { get; init; }
    public XclientUse Xclient { get; init; }
    public SmtpReply? XclientReply { get; init; }
    /// <summary>The client address the server judged the tricks by: the XCLIENT address when used, else ours.</summary>
    public required IPAddress ProbeAddress { get; init; }
    /// <summary>True when the probe came from this host without XCLIENT (permit_mynetworks trusts it by default).</summary>
    public bool FromThisHost { get; init; }
    public IReadOnlyList<RelayTrial> Trials { get; init; } = [];
    public int TricksTotal { get; init; }
    /// <summary>Why the probe stopped before trying every trick (authentication required, connection closed), or null.</summary>
    public string? StoppedBecause { get; init; }
    public required RelayVerdict Verdict { get; init; }
    /// <summary>One sentence explaining the verdict.</summary>
    public required string Reason { get; init; }
    public IReadOnlyList<string> Transcript { get; init; } = [];
    public TimeSpan Elapsed { get; init; }

    public IEnumerable<RelayTrial> Accepted => Trials.Where(t => t.Accepted);
}
