using System.Net;
using MimeKit;
using MimeKit.Utils;

namespace SpamTrace.Bounces.Original;

/// <summary>Turns the returned message's headers into what they say about its origin.</summary>
public static class OriginalReader
{
    private const int MaxHops = 64;

    public static OriginalMessage FromHeaders(HeaderList headers)
    {
        var hops = new List<ReceivedHop>();
        foreach (var h in headers)
        {
            if (h.Id == HeaderId.Received && hops.Count < MaxHops)
            {
                hops.Add(ReceivedParser.Parse(h.Value));
            }
        }
        string? login = null, uid = null, client = null;
        foreach (var hop in hops)
        {
            login ??= hop.AuthenticatedSender;
            uid ??= hop.LocalUid;
        }
        // The oldest hop with a real client is where the message entered: Received headers are prepended, so it is the last.
        for (var i = hops.Count - 1; i >= 0; i--)
        {
            var ip = hops[i].FromIp;
            if (ip is not null && IPAddress.TryParse(ip, out var addr) && !IPAddress.IsLoopback(addr))
            {
                client = ip;
                break;
            }
        }
        string? script = null;
        var php = headers["X-PHP-Originating-Script"];
        if (!string.IsNullOrWhiteSpace(php))
        {
            var colon = php.IndexOf(':');
            if (colon > 0 && int.TryParse(php.AsSpan(0, colon), out _))
            {
                uid ??= php[..colon].Trim();
                script = php[(colon + 1)..].Trim();
            }
            else
            {
                script = php.Trim();
            }
        }
        script ??= NullIfBlank(headers["X-PHP-Script"]) ?? NullIfBlank(headers["X-Source-Dir"]);
        var viaLogin = headers["X-Get-Message-Sender-Via"];
        if (login is null && viaLogin is not null)
        {
            var at = viaLogin.IndexOf("authenticated_id:", StringComparison.OrdinalIgnoreCase);
            if (at >= 0)
            {
                login = viaLogin[(at + "authenticated_id:".Length)..].Trim().Split(' ', 2)[0];
            }
        }
        DateTimeOffset? date = null;
        var dateText = headers[HeaderId.Date];
        if (dateText is not null && DateUtils.TryParse(dateText, out var d))
        {
            date = d;
        }
        var from = headers[HeaderId.From];
        string? sender = null;
        if (from is not null && InternetAddressList.TryParse(from, out var list) && list.Mailboxes.FirstOrDefault() is { } mb)
        {
            sender = mb.Address;
        }
        sender ??= from?.Trim();
        var subject = headers[HeaderId.Subject];
        return new OriginalMessage(
            NullIfBlank(headers[HeaderId.MessageId]?.Trim()),
            sender,
            subject?.Trim(),
            date,
            hops,
            login,
            uid,
            script,
            client);
    }

    /// <summary>Headers quoted in a text body (MTAs that inline the original): from the first header-looking line to the first blank line.</summary>
    public static HeaderList? FromQuotedText(string text)
    {
        var start = FindHeaderStart(text);
        if (start < 0)
        {
            return null;
        }
        var end = text.IndexOf("\n\n", start, StringComparison.Ordinal);
        var block = end < 0 ? text[start..] : text[start..(end + 1)];
        var lines = block.Split('\n').Select(l => l.StartsWith("> ", StringComparison.Ordinal) ? l[2..] : l);
        var bytes = System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");
        try
        {
            using var ms = new MemoryStream(bytes);
            return HeaderList.Load(ms);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static int FindHeaderStart(string text)
    {
        string[] starts = ["\nReceived: ", "\nReturn-Path: ", "\nMessage-ID: ", "\nMessage-Id: ", "\n> Received: "];
        var best = -1;
        foreach (var s in starts)
        {
            var at = text.IndexOf(s, StringComparison.OrdinalIgnoreCase);
            if (at >= 0 && (best < 0 || at < best))
            {
                best = at;
            }
        }
        return best < 0 ? -1 : best + 1;
    }

    private static string? NullIfBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
