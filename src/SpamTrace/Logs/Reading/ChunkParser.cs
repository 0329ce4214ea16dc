using SpamTrace.Logs.Parsing;

namespace SpamTrace.Logs.Reading;

/// <summary>
/// The parsing stage, run on the worker threads: one event per line of a chunk, with the year of year-less
/// timestamps completed here too, so the consuming thread never has to walk the events.
/// </summary>
internal static class ChunkParser
{
    public static void Parse(LogChunk chunk, int maxLineLength, LineParser parse)
    {
        var buffer = chunk.Buffer;
        var events = chunk.Events;
        var counts = chunk.KindCounts;
        var length = chunk.Length;
        var lineNumber = chunk.FirstLineNumber;
        var count = 0;
        var start = 0;
        var years = new YearResolver(chunk.YearReferenceTicks);
        long first = long.MaxValue, last = long.MinValue;
        while (start < length)
        {
            var newline = buffer.AsSpan(start, length - start).IndexOf((byte)'\n');
            var end = newline < 0 ? length : start + newline;
            var lineLength = end - start;
            if (lineLength > 0 && buffer[end - 1] == (byte)'\r')
            {
                lineLength--;
            }
            if (lineLength > maxLineLength)
            {
                lineLength = maxLineLength;
                chunk.TruncatedLines++;
            }
            ref var ev = ref events[count++];
            ev.Clear();
            ev.LineStart = start;
            ev.LineLength = lineLength;
            ev.LineNumber = lineNumber++;
            try
            {
                parse(buffer.AsSpan(start, lineLength), ref ev);
            }
            catch (Exception)
            {
                // Log text is attacker controlled: a parser bug on one line must not lose the rest of the log.
                ev.Kind = EventKind.Unknown;
            }
            counts[(int)ev.Kind]++;
            if (ev.Kind == EventKind.Unknown && ev.Program.Length > 0)
            {
                chunk.UnknownMailLines++;
            }
            years.Resolve(ref ev.Time);
            var ticks = ev.Time.UtcTicks;
            if (ticks != 0)
            {
                first = Math.Min(first, ticks);
                last = Math.Max(last, ticks);
            }
            start = end + 1;
        }
        chunk.EventCount = count;
        chunk.FirstTicks = first;
        chunk.LastTicks = last;
    }
}
