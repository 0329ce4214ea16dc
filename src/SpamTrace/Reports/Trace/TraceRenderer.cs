using System.Globalization;
using SpamTrace.Logs.Correlation;
using SpamTrace.Logs.Parsing;
using Spectre.Console;

namespace SpamTrace.Reports.Trace;

/// <summary>Prints a chain for a person: origin, hops through the content filter, each recipient's outcome.</summary>
public sealed class TraceRenderer(IAnsiConsole console)
{
    public void Render(MessageChain chain)
    {
        var root = chain.Root;
        var state = chain.Incomplete ? "[yellow]incomplete[/]" : "[green]complete[/]";
        var header = $"[bold]{E(root.QueueId)}[/]  host {E(chain.Host)}  {Time(chain.FirstSeenUtc)} → {Time(chain.LastSeenUtc)}  {state}";
        if (chain.CausedBy is { } cause)
        {
            var what = chain.Origin == OriginKind.Forward ? "forward of" : "notification about";
            header += $"  [dim]{what}[/] {E(cause.QueueId)}";
        }
        console.MarkupLine("── " + header);
        console.MarkupLine($"  [bold]origin[/]  {Origin(root)}");
        var sender = root.Sender ?? chain.Hops.Select(h => h.Sender).FirstOrDefault(s => s is not null);
        var mid = chain.Hops.Select(h => h.MessageId).FirstOrDefault(s => s is not null);
        console.MarkupLine($"  [bold]sender[/]  <{E(sender ?? "?")}>  message-id <{E(mid ?? "?")}>  size {root.Size?.ToString(CultureInfo.InvariantCulture) ?? "?"}  nrcpt {root.Nrcpt?.ToString(CultureInfo.InvariantCulture) ?? "?"}");

        for (var i = 0; i < chain.Hops.Count; i++)
        {
            var hop = chain.Hops[i];
            var label = i == 0 ? "queued" : "re-injected";
            var extra = hop.ParentQueueId is { } p ? $" from {E(p)}" : "";
            extra += hop.FilterVerdict is { } v ? $"  filter: {E(v)}" : "";
            extra += hop.Held ? "  [yellow]on hold[/]" : "";
            console.MarkupLine($"  [bold]hop {i + 1}[/]   {E(hop.QueueId)} {label}{extra}  fate {hop.Fate.ToString().ToLowerInvariant()}");
            foreach (var note in hop.Notes)
            {
                console.MarkupLine($"           [dim]{E(note.Action)}:[/] {E(note.Text)}");
            }
            // Hand-offs to the content filter all say the same thing: one line, not one per recipient.
            foreach (var handoff in hop.Recipients.Where(r => r.Hop == HopKind.ContentFilter).GroupBy(r => (r.Relay, r.NextQueueId, r.Status)))
            {
                var n = handoff.Count();
                var who = n == 1 ? $"<{handoff.First().Address}>" : $"{n} recipients";
                var next = handoff.Key.NextQueueId is { } q ? $", queued back as {q}" : ", not queued back (kept by the filter)";
                console.MarkupLine($"    {E(who)} handed to the content filter at {E(handoff.Key.Relay ?? "?")}{E(next)}  {handoff.Key.Status.ToString().ToLowerInvariant()}");
            }
            foreach (var r in hop.Recipients.Where(r => r.Hop != HopKind.ContentFilter))
            {
                var color = r.Status switch
                {
                    DeliveryStatus.Sent => "green",
                    DeliveryStatus.Deferred => "yellow",
                    DeliveryStatus.Bounced or DeliveryStatus.Expired => "red",
                    _ => "white",
                };
                var where = r.Hop switch
                {
                    HopKind.ContentFilter => "content filter",
                    HopKind.Local => "local",
                    HopKind.Remote => "remote",
                    _ => "none",
                };
                var orig = r.OrigTo is null ? "" : $" (orig_to <{E(r.OrigTo)}>)";
                var delay = r.DelaySeconds is { } d ? $"  delay {d.ToString("0.##", CultureInfo.InvariantCulture)}s" : "";
                var attempts = r.Attempts > 1 ? $"  attempts {r.Attempts}" : "";
                console.MarkupLine($"    to <{E(r.Address)}>{orig}  [{color}]{r.Status.ToString().ToLowerInvariant()}[/]  {where} via {E(r.Agent ?? "?")} relay {E(r.Relay ?? "?")}  dsn {E(r.Dsn ?? "?")}{delay}{attempts}");
                if (r.Reply is { } reply)
                {
                    console.MarkupLine($"        [dim]{E(reply)}[/]");
                }
                if (r.FirstDeferralReply is { } first && first != r.Reply)
                {
                    console.MarkupLine($"        [dim]first deferral: {E(first)}[/]");
                }
            }
            if (hop.NotificationQueueIds.Count > 0)
            {
                console.MarkupLine($"    notifications sent: {E(string.Join(", ", hop.NotificationQueueIds))}");
            }
            if (hop.ForwardedQueueIds.Count > 0)
            {
                console.MarkupLine($"    forwarded as: {E(string.Join(", ", hop.ForwardedQueueIds))}");
            }
        }
    }

    public void RenderRaw(MessageChain chain)
    {
        foreach (var line in chain.Hops.SelectMany(h => h.Lines ?? []).OrderBy(l => l.TimeUtc).ThenBy(l => l.Path, StringComparer.Ordinal).ThenBy(l => l.LineNumber))
        {
            console.Profile.Out.Writer.WriteLine(TerminalText.Escape(line.Text));
        }
    }

    private static string Origin(MessageRecord r)
    {
        switch (r.Origin)
        {
            case OriginKind.Smtp:
            case OriginKind.Reinjected:
                var plain = $"{(r.Origin == OriginKind.Smtp ? "smtp" : "re-injected")} via {r.Listener ?? "smtpd"} from {r.ClientName ?? "?"}[{r.ClientIp ?? "?"}]";
                if (r.ClientPort is { } port)
                {
                    plain += ":" + port.ToString(CultureInfo.InvariantCulture);
                }
                var s = E(plain);
                if (r.SaslUser is not null)
                {
                    s += $"  [bold red]sasl_username={E(r.SaslUser)}[/] ({E(r.SaslMethod ?? "?")})";
                }
                if (r.Helo is not null)
                {
                    s += $"  helo={E(r.Helo)}";
                }
                if (r.OrigClient is not null)
                {
                    s += $"  orig_client={E(r.OrigClient)}";
                }
                if (r.Origin == OriginKind.Reinjected && r.OrigQueueId is not null)
                {
                    s += $"  orig_queue_id={E(r.OrigQueueId)} (parent not in this log)";
                }
                return s;
            case OriginKind.Pickup:
                return $"local submission (sendmail/pickup) uid={r.Uid?.ToString(CultureInfo.InvariantCulture) ?? "?"}";
            case OriginKind.Notification:
                return "notification generated by Postfix (bounce/delay/success)";
            case OriginKind.Forward:
                return "forwarded by local delivery (.forward/aliases)";
            default:
                return "[yellow]unknown: the log starts after this message was queued[/]";
        }
    }

    private static string Time(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Log text is attacker-controlled: escape Spectre markup and make terminal control characters visible.</summary>
    private static string E(string s) => Markup.Escape(TerminalText.Escape(s));
}
