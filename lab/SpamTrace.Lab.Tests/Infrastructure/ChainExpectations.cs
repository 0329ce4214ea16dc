using SpamTrace.Logs.Correlation;
using SpamTrace.Logs.Parsing;

namespace SpamTrace.Lab.Tests.Infrastructure;

/// <summary>
/// Compares one manifest message with the chain the log engine rebuilt for it: origin, the content-filter
/// re-injection link, each recipient's final status, and the bounce link. Collects every mismatch, so one
/// failing test lists them all.
/// </summary>
public static class ChainExpectations
{
    public static void Check(LabMessage message, ChainIndex index, List<string> errors)
    {
        var chain = index.Find(message);
        if (chain is null)
        {
            errors.Add($"{message}: no chain found");
            return;
        }
        var where = $"{message} (chain {chain.Root.QueueId})";
        CheckOrigin(message, chain, where, errors);
        CheckReinjection(message, chain, where, errors);
        CheckRecipients(message, chain, where, errors);
        CheckBounce(message, chain, index, where, errors);
    }

    private static void CheckOrigin(LabMessage message, MessageChain chain, string where, List<string> errors)
    {
        var root = chain.Root;
        var o = message.Origin;
        switch (o.Kind)
        {
            case "sasl":
                Expect(chain.Origin == OriginKind.Smtp, $"{where}: origin {chain.Origin}, expected Smtp", errors);
                Expect(root.SaslUser == o.User, $"{where}: sasl_username {root.SaslUser}, expected {o.User}", errors);
                Expect(root.ClientIp == o.ClientIp, $"{where}: client {root.ClientIp}, expected {o.ClientIp}", errors);
                break;
            case "relay":
            case "smtp":
                Expect(chain.Origin == OriginKind.Smtp, $"{where}: origin {chain.Origin}, expected Smtp", errors);
                Expect(root.SaslUser is null, $"{where}: sasl_username {root.SaslUser}, expected none", errors);
                Expect(root.ClientIp == o.ClientIp, $"{where}: client {root.ClientIp}, expected {o.ClientIp}", errors);
                break;
            case "local":
                Expect(chain.Origin == OriginKind.Pickup, $"{where}: origin {chain.Origin}, expected Pickup", errors);
                Expect(root.Uid == o.Uid, $"{where}: uid {root.Uid}, expected {o.Uid}", errors);
                if (o.Script is not null)
                {
                    var marker = $"{o.Uid}:{o.Script}";
                    Expect(chain.Hops.SelectMany(h => h.Notes).Any(n => n.Text.Contains(marker, StringComparison.Ordinal)),
                        $"{where}: no cleanup note with X-PHP-Originating-Script {marker}", errors);
                }
                break;
            default:
                errors.Add($"{where}: unknown origin kind {o.Kind} in the manifest");
                break;
        }
        Expect(string.Equals(root.Sender, message.Sender, StringComparison.OrdinalIgnoreCase),
            $"{where}: sender {root.Sender}, expected {message.Sender}", errors);
    }

    private static void CheckReinjection(LabMessage message, MessageChain chain, string where, List<string> errors)
    {
        var root = chain.Root;
        if (message.FilterTempfail == true)
        {
            Expect(chain.Hops.Count == 1, $"{where}: {chain.Hops.Count} hops while the filter was failing, expected 1", errors);
            return;
        }
        if (message.FilterBlocked == true)
        {
            Expect(chain.Hops.Count == 1, $"{where}: {chain.Hops.Count} hops for a message the filter discarded, expected 1", errors);
            Expect(root.FilterVerdict?.StartsWith("Blocked", StringComparison.Ordinal) == true,
                $"{where}: filter verdict '{root.FilterVerdict}', expected Blocked SPAM", errors);
            Expect(root.Recipients.Count > 0 && root.Recipients.All(r => r.Hop == HopKind.ContentFilter && r.NextQueueId is null),
                $"{where}: discarded message's recipients should end at the filter with no next queue ID", errors);
            return;
        }
        if (!message.Filtered)
        {
            Expect(chain.Hops.Count == 1, $"{where}: {chain.Hops.Count} hops without the content filter, expected 1", errors);
            return;
        }
        if (chain.Hops.Count != 2)
        {
            errors.Add($"{where}: {chain.Hops.Count} hops through the content filter, expected 2");
            return;
        }
        var child = chain.Hops[1];
        Expect(child.OrigQueueId == root.QueueId || child.ParentQueueId == root.QueueId,
            $"{where}: re-injected hop {child.QueueId} not linked to {root.QueueId} (orig_queue_id {child.OrigQueueId}, parent {child.ParentQueueId})", errors);
        Expect(root.Recipients.Count > 0 && root.Recipients.All(r => r.Hop == HopKind.ContentFilter && r.NextQueueId == child.QueueId),
            $"{where}: first hop's recipients not all handed to the filter and queued as {child.QueueId}", errors);
        Expect(Bare(child.MessageId) == Bare(message.MessageId), $"{where}: re-injected Message-ID {child.MessageId}", errors);
    }

    private static void CheckRecipients(LabMessage message, MessageChain chain, string where, List<string> errors)
    {
        var final = message.FilterTempfail == true
            ? chain.Hops.SelectMany(h => h.Recipients).ToList()
            : chain.FinalRecipients.ToList();
        // Discarded by the filter: checked with the re-injection (the recipients end at the filter hop).
        foreach (var expected in message.Recipients.Where(r => r.Expected is not ("rejected" or "discarded")))
        {
            var actual = final.Where(r => string.Equals(r.Address, expected.Address, StringComparison.OrdinalIgnoreCase)).ToList();
            if (actual.Count == 0)
            {
                errors.Add($"{where}: recipient {expected.Address} missing (expected {expected.Expected})");
                continue;
            }
            var (status, hop) = expected.Expected switch
            {
                "sent" => (DeliveryStatus.Sent, (HopKind?)HopKind.Remote),
                "delivered" => (DeliveryStatus.Sent, HopKind.Local),
                "bounced" => (DeliveryStatus.Bounced, null),
                "deferred" => (DeliveryStatus.Deferred, null),
                "expired" => (DeliveryStatus.Expired, null),
                _ => (DeliveryStatus.Other, null),
            };
            if (expected.Expected == "expired")
            {
                // qmgr logs the expiry per message ("status=expired, returned to sender"); the recipient's own last
                // line is its deferral.
                Expect(chain.Hops.Any(h => h.Fate == MessageFate.Expired),
                    $"{where}: no hop expired (fates {string.Join(",", chain.Hops.Select(h => h.Fate))})", errors);
                Expect(actual.Any(r => r.Status is DeliveryStatus.Expired or DeliveryStatus.Deferred),
                    $"{where}: recipient {expected.Address} is {string.Join(",", actual.Select(r => r.Status))}, expected expired or deferred", errors);
                continue;
            }
            Expect(actual.Any(r => r.Status == status && (hop is null || r.Hop == hop)),
                $"{where}: recipient {expected.Address} is {string.Join(",", actual.Select(r => $"{r.Status}/{r.Hop}"))}, expected {expected.Expected}", errors);
        }
    }

    private static void CheckBounce(LabMessage message, MessageChain chain, ChainIndex index, string where, List<string> errors)
    {
        if (!message.Recipients.Any(r => r.Expected is "bounced" or "expired"))
        {
            return;
        }
        var bounces = index.NotificationsFor(chain).ToList();
        if (bounces.Count == 0)
        {
            errors.Add($"{where}: bounced recipients but no notification chain linked to it");
            return;
        }
        Expect(bounces.All(b => b.Origin == OriginKind.Notification), $"{where}: a linked chain is not a notification", errors);
        var to = bounces.SelectMany(b => b.FinalRecipients).ToList();
        Expect(to.Any(r => string.Equals(r.Address, message.Sender, StringComparison.OrdinalIgnoreCase)),
            $"{where}: bounce goes to {string.Join(",", to.Select(r => r.Address))}, expected the sender {message.Sender}", errors);
        if (message.ExpectedBounceTo?.Expected is { } bounceStatus)
        {
            var status = bounceStatus switch
            {
                "bounced" => DeliveryStatus.Bounced,
                "deferred" => DeliveryStatus.Deferred,
                _ => DeliveryStatus.Sent,
            };
            Expect(to.Any(r => r.Status == status), $"{where}: bounce to {message.ExpectedBounceTo.Address} is {string.Join(",", to.Select(r => r.Status))}, expected {bounceStatus}", errors);
        }
    }

    private static string? Bare(string? id) => ChainIndex.Bare(id);

    private static void Expect(bool condition, string error, List<string> errors)
    {
        if (!condition)
        {
            errors.Add(error);
        }
    }
}
