namespace SpamTrace.Queue;

/// <summary>
/// Who submitted a queued message, read from its queue file (<c>postcat -q</c>): the SASL login and client
/// address that smtpd recorded as named attributes, or the uid that pickup wrote into its own Received header
/// for locally submitted mail (sendmail, PHP mail()).
/// </summary>
public sealed record QueueFileAttributes(string QueueId)
{
    public string? SaslUsername { get; set; }
    public string? SaslMethod { get; set; }
    public string? ClientAddress { get; set; }
    public int? Uid { get; set; }
    /// <summary>"local" for sendmail/pickup submissions, "remote" for smtpd ones.</summary>
    public string? RewriteContext { get; set; }
    public string? Sender { get; set; }
    /// <summary>The first queue ID of the message when this copy was re-injected by a content filter.</summary>
    public string? LogIdent { get; set; }
    /// <summary>The login or uid came from the mail log (content-filter copies), not from this queue file.</summary>
    public bool FromLog { get; set; }
}
