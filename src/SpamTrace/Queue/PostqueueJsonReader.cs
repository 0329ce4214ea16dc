using System.Buffers;
using System.Text;
using System.Text.Json;

namespace SpamTrace.Queue;

/// <summary>
/// Streams <c>postqueue -j</c> output (Postfix &gt;= 3.1: one JSON object per line) into messages without
/// building a document: lines are cut from a pooled byte buffer and read with <see cref="Utf8JsonReader"/>.
/// A line that is not a valid queue entry is counted in <see cref="QueueReadStatistics"/> and skipped.
/// </summary>
public static class PostqueueJsonReader
{
    private const int MaxLineBytes = 64 * 1024 * 1024;

    public static IEnumerable<QueuedMessage> Read(Stream input, string source, QueueReadStatistics stats, string? instance = null)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            int filled = 0;
            long lineNumber = 0;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    if (buffer.Length >= MaxLineBytes)
                    {
                        throw new InvalidDataException($"{source}:{lineNumber + 1}: line longer than {MaxLineBytes} bytes");
                    }
                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    Buffer.BlockCopy(buffer, 0, bigger, 0, filled);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = input.Read(buffer, filled, buffer.Length - filled);
                var eof = read == 0;
                filled += read;
                var start = 0;
                while (true)
                {
                    var newline = Array.IndexOf(buffer, (byte)'\n', start, filled - start);
                    if (newline < 0)
                    {
                        if (!eof || start == filled)
                        {
                            break;
                        }
                        newline = filled; // last line without a newline
                    }
                    lineNumber++;
                    var message = ParseLine(buffer.AsSpan(start, newline - start), source, lineNumber, stats, instance);
                    start = Math.Min(newline + 1, filled);
                    if (message is not null)
                    {
                        yield return message;
                    }
                    if (newline == filled)
                    {
                        break;
                    }
                }
                if (eof)
                {
                    yield break;
                }
                // Keep the unfinished line at the start of the buffer.
                Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
                filled -= start;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Parses one line; null (and counted) when it is empty or not a queue entry.</summary>
    public static QueuedMessage? ParseLine(ReadOnlySpan<byte> line, string source, long lineNumber, QueueReadStatistics stats, string? instance = null)
    {
        stats.Lines++;
        line = line.TrimEnd((byte)'\r');
        if (line.IsEmpty || line.IndexOfAnyExcept((byte)' ', (byte)'\t') < 0)
        {
            return null;
        }
        try
        {
            var message = ParseObject(line, instance);
            if (message is null)
            {
                stats.AddBadLine(source, lineNumber, "not a postqueue -j entry (queue_id missing)");
                return null;
            }
            stats.Messages++;
            return message;
        }
        catch (JsonException ex)
        {
            stats.AddBadLine(source, lineNumber, "invalid JSON: " + ex.Message);
            return null;
        }
    }

    private static QueuedMessage? ParseObject(ReadOnlySpan<byte> line, string? instance)
    {
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("a JSON object was expected");
        }
        string queueName = "", queueId = "", sender = "";
        long arrival = 0, size = 0;
        var forcedExpire = false;
        List<QueuedRecipient> recipients = [];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("queue_name"u8)) { reader.Read(); queueName = reader.GetString() ?? ""; }
            else if (reader.ValueTextEquals("queue_id"u8)) { reader.Read(); queueId = reader.GetString() ?? ""; }
            else if (reader.ValueTextEquals("sender"u8)) { reader.Read(); sender = reader.GetString() ?? ""; }
            else if (reader.ValueTextEquals("arrival_time"u8)) { reader.Read(); arrival = ReadLong(ref reader); }
            else if (reader.ValueTextEquals("message_size"u8)) { reader.Read(); size = ReadLong(ref reader); }
            else if (reader.ValueTextEquals("forced_expire"u8)) { reader.Read(); forcedExpire = reader.TokenType == JsonTokenType.True; }
            else if (reader.ValueTextEquals("recipients"u8)) { reader.Read(); ReadRecipients(ref reader, recipients); }
            else
            {
                // Attributes of later Postfix versions: skip whatever shape they have.
                reader.Read();
                reader.Skip();
            }
        }
        if (queueId.Length == 0)
        {
            return null;
        }
        return new QueuedMessage(queueName, queueId, DateTimeOffset.FromUnixTimeSeconds(arrival), size, sender, recipients, forcedExpire)
        {
            Instance = instance,
        };
    }

    private static long ReadLong(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number => reader.TryGetInt64(out var n) ? n : (long)reader.GetDouble(),
        JsonTokenType.String when long.TryParse(reader.GetString(), out var s) => s,
        _ => throw new JsonException($"a number was expected, not {reader.TokenType}"),
    };

    private static void ReadRecipients(ref Utf8JsonReader reader, List<QueuedRecipient> recipients)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            string address = "";
            string? reason = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("address"u8)) { reader.Read(); address = reader.GetString() ?? ""; }
                else if (reader.ValueTextEquals("delay_reason"u8)) { reader.Read(); reason = reader.GetString(); }
                else { reader.Read(); reader.Skip(); }
            }
            recipients.Add(new QueuedRecipient(address, reason));
        }
    }

    /// <summary>Convenience for tests and small inputs.</summary>
    public static List<QueuedMessage> ReadAll(string text, QueueReadStatistics? stats = null)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        return [.. Read(stream, "<string>", stats ?? new QueueReadStatistics())];
    }
}
