using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace SpamTrace.Audit.Probe;

/// <summary>
/// Tries the 16 relay tricks against one SMTP server and stops after RCPT each time (RSET, and QUIT at the end):
/// DATA is never sent, so nothing is ever relayed. From this host the server's permit_mynetworks would trust the
/// probe, so when the server offers XCLIENT the probe first claims an Internet address with it.
/// </summary>
public static partial class RelayProbe
{
    public static async Task<RelayProbeResult> RunAsync(RelayProbeOptions options, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var (toLocal, toDomain) = SplitAddress(options.To, "--to");
        var from = options.From ?? $"antispam@{toDomain}";
        var (fromLocal, _) = SplitAddress(from, "--from");
        await using var smtp = await SmtpProbeConnection.ConnectAsync(options.Host, options.Port, options.Timeout, cancellationToken);
        var remote = Normalize(smtp.RemoteEndPoint);
        var local = Normalize(smtp.LocalEndPoint);
        var target = $"{options.Host}:{options.Port}";
        var greeting = await smtp.ReadReplyAsync("connecting", cancellationToken);
        var fromThisHost = IsThisHost(local.Address, remote.Address);
        RelayProbeResult Finish(RelayVerdict verdict, string reason, string? serverName = null, XclientUse xclient = XclientUse.NotOffered,
            SmtpReply? xclientReply = null, IReadOnlyList<RelayTrial>? trials = null, int total = 0, string? stopped = null)
        {
            return new RelayProbeResult
            {
                Target = target,
                Remote = remote,
                Local = local,
                Greeting = greeting,
                ServerName = serverName,
                Tls = smtp.IsTls,
                Xclient = xclient,
                XclientReply = xclientReply,
                ProbeAddress = xclient == XclientUse.Used ? options.XclientAddress! : local.Address,
                FromThisHost = fromThisHost && xclient != XclientUse.Used,
                Trials = trials ?? [],
                TricksTotal = total,
                StoppedBecause = stopped,
                Verdict = verdict,
                Reason = reason,
                Transcript = smtp.Transcript,
                Elapsed = clock.Elapsed,
            };
        }
        if (greeting.Code != 220)
        {
            return Finish(RelayVerdict.Closed, $"the server refuses this client at connect: {greeting}");
        }
        var serverName = ServerName(greeting);
        var ehloName = toDomain.StartsWith('[') ? "probe.invalid" : toDomain;
        var ehlo = await HelloAsync(smtp, ehloName, cancellationToken);
        if (ehlo is null)
        {
            return Finish(RelayVerdict.Closed, "the server refuses both EHLO and HELO from this client", serverName);
        }
        serverName ??= ehlo.Lines.Count > 0 ? ServerName(new SmtpReply(250, [ehlo.Lines[0]])) : null;
        if (options.StartTls && HasKeyword(ehlo, "STARTTLS"))
        {
            var tls = await smtp.CommandAsync("STARTTLS", cancellationToken);
            if (tls.Code == 220)
            {
                await smtp.StartTlsAsync(options.Host, cancellationToken);
                ehlo = await HelloAsync(smtp, ehloName, cancellationToken)
                    ?? throw new SmtpProbeException("the server refused EHLO after STARTTLS");
            }
        }
        var xclient = XclientUse.NotOffered;
        SmtpReply? xclientReply = null;
        if (XclientOffersAddress(ehlo))
        {
            if (options.XclientAddress is not { } claimed)
            {
                xclient = XclientUse.Disabled;
            }
            else
            {
                xclientReply = await smtp.CommandAsync($"XCLIENT ADDR={XclientAddress(claimed)} NAME=[UNAVAILABLE]", cancellationToken);
                xclient = xclientReply.IsPositiveCompletion ? XclientUse.Used : XclientUse.Refused;
                if (xclient == XclientUse.Used)
                {
                    // XCLIENT starts a new session as the claimed client: the server greets again and wants a new EHLO.
                    if (await HelloAsync(smtp, ehloName, cancellationToken) is null)
                    {
                        return Finish(RelayVerdict.Closed, $"the server refuses EHLO and HELO from {claimed}", serverName, xclient, xclientReply);
                    }
                }
            }
        }
        var ipLiteral = IpLiteral(remote.Address);
        var tricks = RelayTricks.For(fromLocal, from, toLocal, toDomain, serverName ?? $"[{ipLiteral}]", ipLiteral);
        var trials = new List<RelayTrial>();
        string? stopped = null;
        try
        {
            foreach (var trick in tricks)
            {
                await smtp.CommandAsync("RSET", cancellationToken);
                var mail = await smtp.CommandAsync($"MAIL FROM:<{trick.From}>", cancellationToken);
                SmtpReply? rcpt = null;
                if (mail.IsPositiveCompletion)
                {
                    rcpt = await smtp.CommandAsync($"RCPT TO:<{trick.To}>", cancellationToken);
                }
                trials.Add(new RelayTrial(trick, mail, rcpt));
                var last = rcpt ?? mail;
                if (last.Code == 530)
                {
                    stopped = $"authentication required ({last})";
                    break;
                }
                if (last.Code == 421)
                {
                    stopped = $"the server closed the session ({last})";
                    break;
                }
            }
            if (stopped is null || !stopped.StartsWith("the server closed", StringComparison.Ordinal))
            {
                await smtp.CommandAsync("RSET", cancellationToken);
                await smtp.CommandAsync("QUIT", cancellationToken);
            }
        }
        catch (SmtpProbeException ex)
        {
            stopped = ex.Message;
        }
        var accepted = trials.Count(t => t.Accepted);
        var who = xclient == XclientUse.Used ? $"as {options.XclientAddress} (XCLIENT)" : $"from {local.Address}";
        var (verdict, reason) = (accepted, xclient, fromThisHost, stopped) switch
        {
            ( > 0, XclientUse.Used, _, _) => (RelayVerdict.Open, $"{accepted} of {tricks.Count} tricks accepted {who}: anyone on the Internet can relay through this server"),
            ( > 0, _, true, _) => (RelayVerdict.NotConclusive, $"{accepted} of {tricks.Count} tricks accepted {who}, but this host is trusted by a default permit_mynetworks: allow XCLIENT for it or probe from another host"),
            ( > 0, _, false, _) => (RelayVerdict.Open, $"{accepted} of {tricks.Count} tricks accepted {who}: the server relays for this client, which is not on the server's own host"),
            (0, _, _, string s) when s.StartsWith("authentication required", StringComparison.Ordinal) => (RelayVerdict.Closed, $"the server requires authentication before relaying {who}"),
            (0, _, _, string s) => (RelayVerdict.NotConclusive, $"the probe stopped after {trials.Count} of {tricks.Count} tricks, none accepted: {s}"),
            _ => (RelayVerdict.Closed, $"none of the {tricks.Count} tricks was accepted {who}"),
        };
        return Finish(verdict, reason, serverName, xclient, xclientReply, trials, tricks.Count, stopped);
    }

    /// <summary>EHLO, falling back to HELO as RFC 5321 allows; null when the server refuses both.</summary>
    private static async Task<SmtpReply?> HelloAsync(SmtpProbeConnection smtp, string name, CancellationToken cancellationToken)
    {
        var ehlo = await smtp.CommandAsync($"EHLO {name}", cancellationToken);
        if (ehlo.IsPositiveCompletion)
        {
            return ehlo;
        }
        var helo = await smtp.CommandAsync($"HELO {name}", cancellationToken);
        return helo.IsPositiveCompletion ? new SmtpReply(helo.Code, []) : null;
    }

    internal static bool HasKeyword(SmtpReply ehlo, string keyword) =>
        ehlo.Lines.Skip(1).Any(l => l.Equals(keyword, StringComparison.OrdinalIgnoreCase) || l.StartsWith(keyword + " ", StringComparison.OrdinalIgnoreCase));

    /// <summary>"XCLIENT NAME ADDR PROTO HELO ..." lists the attributes the server lets this client set; ADDR is the one that matters.</summary>
    internal static bool XclientOffersAddress(SmtpReply ehlo) =>
        ehlo.Lines.Skip(1).Any(l => l.StartsWith("XCLIENT", StringComparison.OrdinalIgnoreCase)
            && l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Any(a => a.Equals("ADDR", StringComparison.OrdinalIgnoreCase)));

    /// <summary>The server's name from "220 mx.example.com ESMTP ...": only host-name characters, as it goes into addresses the probe sends.</summary>
    internal static string? ServerName(SmtpReply reply)
    {
        if (reply.Lines.Count == 0)
        {
            return null;
        }
        var m = HostName().Match(reply.Lines[0]);
        return m.Success && m.Value.Length <= 253 ? m.Value : null;
    }

    internal static string IpLiteral(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6:" + address : address.ToString();

    private static string XclientAddress(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? "IPV6:" + address : address.ToString();

    /// <summary>Splits a probe address into local part and domain; refuses what cannot go into MAIL/RCPT safely.</summary>
    public static (string Local, string Domain) SplitAddress(string address, string option)
    {
        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1 || address.Any(c => c <= ' ' || c > '~' || c is '<' or '>' or '"' or '\\'))
        {
            throw new ArgumentException($"{option} {address}: not an address like user@example.net");
        }
        return (address[..at], address[(at + 1)..]);
    }

    private static IPEndPoint Normalize(IPEndPoint endpoint) =>
        endpoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endpoint.Address.MapToIPv4(), endpoint.Port) : endpoint;

    /// <summary>True when the probe runs on the server's own host: loopback, or our source address is the server's.</summary>
    private static bool IsThisHost(IPAddress local, IPAddress remote)
    {
        if (IPAddress.IsLoopback(local) || local.Equals(remote))
        {
            return true;
        }
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(i => i.GetIPProperties().UnicastAddresses)
                .Any(a => a.Address.Equals(remote));
        }
        catch (NetworkInformationException)
        {
            return false;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9.-]*", RegexOptions.CultureInvariant)]
    private static partial Regex HostName();

    internal static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
}
