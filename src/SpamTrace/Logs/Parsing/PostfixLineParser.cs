namespace SpamTrace.Logs.Parsing;

/// <summary>
/// Parses one log line (syslog envelope + Postfix/amavis/dovecot payload) into a <see cref="LogEvent"/>
/// without allocating. Every format of timestamp the readers accept is recognised here.
/// </summary>
public static class PostfixLineParser
{
    /// <summary>
    /// Parses <paramref name="line"/> (no line terminator). Fills <paramref name="ev"/>; returns false when
    /// the syslog envelope itself is not recognised (the event is then <see cref="EventKind.Unknown"/>).
    /// The caller clears <paramref name="ev"/> and sets LineStart, LineLength and LineNumber.
    /// Fields of an <see cref="EventKind.Unknown"/> event are meaningless (a parser may have filled some before giving up).
    /// </summary>
    public static bool Parse(ReadOnlySpan<byte> line, ref LogEvent ev)
    {
        if (line.Length > TextRange.MaxLineLength)
        {
            line = line[..TextRange.MaxLineLength];
        }
        if (!SyslogEnvelopeParser.TryParse(line, ref ev, out int payload))
        {
            // Undo what the envelope parser filled before it gave up, keeping the caller's position fields.
            int start = ev.LineStart, length = ev.LineLength;
            long number = ev.LineNumber;
            ev.Clear();
            ev.LineStart = start;
            ev.LineLength = length;
            ev.LineNumber = number;
            ev.Kind = EventKind.Unknown;
            return false;
        }
        ev.Repeat = UnwrapRepeat(ref line, ref payload);
        ev.Kind = ProgramClassifier.Classify(ev.Program.Of(line)) switch
        {
            ProgramFamily.Postfix => PostfixPayloadParser.Parse(line, payload, ref ev),
            ProgramFamily.Amavis => AmavisParser.Parse(line, payload, ref ev),
            ProgramFamily.Dovecot => DovecotParser.Parse(line, payload, ref ev),
            _ => EventKind.Foreign,
        };
        return true;
    }

    /// <summary>
    /// rsyslog's repeated-message reduction writes "message repeated 3 times: [ original message]": parse the
    /// original (ranges stay relative to the line; the closing bracket is cut off) and return the count, else 1.
    /// </summary>
    private static int UnwrapRepeat(ref ReadOnlySpan<byte> line, ref int payload)
    {
        const int CountStart = 17; // "message repeated ".Length
        if (!LineSpan.At(line, payload, "message repeated "u8) || line[^1] != (byte)']')
        {
            return 1;
        }
        int open = LineSpan.Find(line, payload, " times: ["u8);
        if (open < 0)
        {
            return 1;
        }
        var count = System.Buffers.Text.Utf8Parser.TryParse(line[(payload + CountStart)..open], out int n, out var used)
            && used == open - payload - CountStart && n > 0 ? n : 1;
        line = line[..^1];
        payload = LineSpan.SkipSpaces(line, open + 9);
        return count;
    }
}
