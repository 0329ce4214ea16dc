using SpamTrace.Logs.Correlation;

namespace SpamTrace.Forensics;

/// <summary>What the log says about where one outbound message came from.</summary>
public readonly record struct Attribution(OriginId Origin, string? Script, string? ScriptOwnerUid, string? UserName);

/// <summary>
/// Attributes a message chain to the origin that made it leave: the login, the local uid, the relaying client,
/// Postfix's own notifications or forwarding. Re-injected hops are part of the chain, so the root decides.
/// </summary>
public static class OriginAttributor
{
    public static Attribution Attribute(MessageChain chain, UidNames uids)
    {
        var root = chain.Root;
        switch (root.Origin)
        {
            case OriginKind.Smtp:
                if (!string.IsNullOrEmpty(root.SaslUser))
                {
                    return new(new OriginId(CulpritKind.Sasl, root.SaslUser), null, null, null);
                }
                // Inbound mail that a virtual alias sends on: every remote recipient was rewritten from another address.
                if (IsAliasForward(chain))
                {
                    return new(new OriginId(CulpritKind.Forward, ""), null, null, null);
                }
                return new(new OriginId(CulpritKind.Relay, root.ClientIp ?? root.ClientName ?? "unknown"), null, null, null);
            case OriginKind.Pickup:
                var uid = root.Uid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown";
                var (script, owner) = FindScript(chain);
                var name = root.Uid is { } u ? uids.NameOf(chain.Host, u) : null;
                return new(new OriginId(CulpritKind.Local, uid), script, owner, name);
            case OriginKind.Notification:
                return new(new OriginId(CulpritKind.Bounce, ""), null, null, null);
            case OriginKind.Forward:
                return new(new OriginId(CulpritKind.Forward, ""), null, null, null);
            default:
                return new(new OriginId(CulpritKind.Unknown, ""), FindScript(chain).Script, null, null);
        }
    }

    private static bool IsAliasForward(MessageChain chain)
    {
        var any = false;
        // Indexed, not LINQ: this runs for every relayed chain.
        var hops = chain.Hops;
        for (var h = 0; h < hops.Count; h++)
        {
            foreach (var r in hops[h].Recipients)
            {
                if (!r.IsOutbound)
                {
                    continue;
                }
                if (string.IsNullOrEmpty(r.OrigTo) || string.Equals(r.OrigTo, r.Address, StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
                any = true;
            }
        }
        return any;
    }

    /// <summary>The PHP script named by header_checks INFO notes: "X-PHP-Originating-Script: 33:wp-cache.php" or "X-PHP-Script: site/x.php for IP".</summary>
    public static (string? Script, string? OwnerUid) FindScript(MessageChain chain)
    {
        var hops = chain.Hops;
        for (var h = 0; h < hops.Count; h++)
        {
            foreach (var note in hops[h].Notes)
            {
                if (ParseScriptHeader(note.Text) is { Script: not null } found)
                {
                    return found;
                }
            }
        }
        return (null, null);
    }

    public static (string? Script, string? OwnerUid) ParseScriptHeader(string text)
    {
        const string originating = "X-PHP-Originating-Script:";
        const string legacy = "X-PHP-Script:";
        var at = text.IndexOf(originating, StringComparison.OrdinalIgnoreCase);
        if (at >= 0)
        {
            var value = Token(text.AsSpan(at + originating.Length));
            var colon = value.IndexOf(':');
            return colon > 0 && int.TryParse(value[..colon], out _)
                ? (value[(colon + 1)..], value[..colon])
                : (value.Length > 0 ? value : null, null);
        }
        at = text.IndexOf(legacy, StringComparison.OrdinalIgnoreCase);
        if (at >= 0)
        {
            var value = Token(text.AsSpan(at + legacy.Length));
            return (value.Length > 0 ? value : null, null);
        }
        return (null, null);
    }

    private static string Token(ReadOnlySpan<char> rest)
    {
        rest = rest.TrimStart();
        var end = rest.IndexOfAny(" \t");
        return (end < 0 ? rest : rest[..end]).ToString();
    }
}
