using SpamTrace.Audit.Findings;

namespace SpamTrace.Audit.Probe;

/// <summary>
/// Turns a probe result into the audit's report model, so that the audit's terminal, JSON and HTML writers show
/// it: a finding when the relay is open or the probe could not conclude, the verdict and one row per trick.
/// </summary>
public static class RelayProbeReport
{
    public const string VerdictSection = "relay.verdict";
    public const string TricksSection = "relay.tricks";

    public static AuditReport Build(RelayProbeResult result, string? restriction = null)
    {
        var report = new AuditReport { Subject = $"relay probe of {result.Target} ({result.Remote}) as {result.ProbeAddress}{(result.Xclient == XclientUse.Used ? " via XCLIENT" : "")}" };
        var service = result.Target;
        switch (result.Verdict)
        {
            case RelayVerdict.Open:
                report.Findings.Add(new AuditFinding
                {
                    Id = "relay.open",
                    Severity = AuditSeverity.Critical,
                    Title = $"open relay: {result.Accepted.Count()} of {result.TricksTotal} relay tricks accepted for {result.ProbeAddress}",
                    Service = service,
                    Evidence = result.Accepted.Select(t => new AuditEvidence(
                        $"test {t.Trick.Number} ({t.Trick.Name}) MAIL FROM:<{t.Trick.From}> RCPT TO:<{t.Trick.To}>", t.Rcpt!.ToString())).ToList(),
                    Why = "Any client on the Internet can send mail to any domain through this server: spammers find open relays within hours and the server's address lands on every blocklist.",
                    Note = (restriction is null ? "" : $"Let through by: {restriction}. ")
                        + "Run `spamtrace audit` on the server to see which restriction permits it; smtpd_relay_restrictions must end in reject_unauth_destination after permit_mynetworks (with mynetworks = this host only) and permit_sasl_authenticated, "
                        + "e.g. postconf -e 'smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination' && postfix reload.",
                });
                break;
            case RelayVerdict.NotConclusive when result.FromThisHost && result.Accepted.Any():
                report.Findings.Add(TrustedProbe(result, service));
                break;
            case RelayVerdict.NotConclusive:
                report.Findings.Add(new AuditFinding
                {
                    Id = "relay.probe-incomplete",
                    Severity = AuditSeverity.Info,
                    Title = $"relay probe stopped after {result.Trials.Count} of {result.TricksTotal} tricks",
                    Service = service,
                    Evidence = [new AuditEvidence("probe", result.StoppedBecause)],
                    Why = "Tricks that were not tried may still pass: the verdict needs all of them.",
                    Note = "Postfix closes sessions after smtpd_hard_error_limit errors; run again with a longer --timeout or from a client the server does not rate-limit.",
                });
                break;
        }
        report.Sections.Add(new AuditSection(VerdictSection, "Verdict",
            ["verdict", "reason", "accepted", "tried", "probe_address", "xclient", "tls", "server"],
            [[Name(result.Verdict), result.Reason, result.Accepted.Count().ToString(System.Globalization.CultureInfo.InvariantCulture),
                result.Trials.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), result.ProbeAddress.ToString(),
                Name(result.Xclient) + (result.XclientReply is { } x ? $" ({x})" : ""), result.Tls ? "yes" : "no", result.Greeting.ToString()]]));
        report.Sections.Add(new AuditSection(TricksSection, "Relay tricks (stopped after RCPT: nothing was sent)",
            ["test", "trick", "mail_from", "mail_reply", "rcpt_to", "rcpt_reply", "accepted"],
            result.Trials.Select(t => (IReadOnlyList<string>)
            [
                t.Trick.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), t.Trick.Name, $"<{t.Trick.From}>", t.Mail.ToString(),
                $"<{t.Trick.To}>", t.Rcpt?.ToString() ?? "(not tried: MAIL refused)", t.Accepted ? "ACCEPTED" : "no",
            ]).ToList()));
        report.Notes.Add($"{Name(result.Verdict)}: {result.Reason}");
        report.Elapsed = result.Elapsed;
        return report;
    }

    /// <summary>The exit code: 1 when the relay is open, else 0 (closed, or not conclusive: nothing was found).</summary>
    public static int ExitCode(RelayProbeResult result) => result.Verdict == RelayVerdict.Open ? 1 : 0;

    public static string Name(RelayVerdict verdict) => verdict switch
    {
        RelayVerdict.Open => "open",
        RelayVerdict.Closed => "closed",
        _ => "not-conclusive",
    };

    public static string Name(XclientUse xclient) => xclient switch
    {
        XclientUse.Used => "used",
        XclientUse.Refused => "refused",
        XclientUse.Disabled => "offered, not used",
        _ => "not offered",
    };

    private static AuditFinding TrustedProbe(RelayProbeResult result, string service) => new()
    {
        Id = "relay.probe-trusted",
        Severity = AuditSeverity.Info,
        Title = $"probe trusted, not conclusive: {result.Accepted.Count()} of {result.TricksTotal} tricks accepted from {result.ProbeAddress}, an address of this host",
        Service = service,
        Evidence = [new AuditEvidence("EHLO reply", result.Xclient == XclientUse.NotOffered ? "no XCLIENT offered to this client" : "XCLIENT " + Name(result.Xclient))],
        Why = "permit_mynetworks lets this host relay by design, so an accepted trick from here says nothing about Internet clients.",
        Fix =
        [
            $"postconf -e 'smtpd_authorized_xclient_hosts = {(result.Local.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{result.Local.Address}]" : result.Local.Address.ToString())}' && postfix reload",
            $"spamtrace audit relay {result.Target}",
            "postconf -X smtpd_authorized_xclient_hosts && postfix reload",
        ],
        Note = "Allow XCLIENT for this host for the time of the probe (the first command; the last one undoes it, or restore the earlier value shown by `postconf smtpd_authorized_xclient_hosts` first), or run the probe from a host outside mynetworks.",
    };
}
