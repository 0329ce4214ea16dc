using System.Text;

namespace SpamTrace.Logs.Correlation;

/// <summary>
/// Text kept as the log line's UTF-8 bytes until something reads it as a string. Remote replies are the bulk of what
/// open messages hold (200 characters that name the recipient, on each of a spam run's thousands of recipients), and
/// most are never read: as bytes they take half the memory, and the garbage collector copies half as much.
/// </summary>
internal struct LazyText
{
    private byte[]? _utf8;
    private string? _text;

    public readonly bool IsNull => _utf8 is null && _text is null;

    /// <summary>The bytes when set from the log and not replaced by a string since.</summary>
    public readonly byte[]? Utf8 => _utf8;

    /// <summary>The text, decoded once on first read.</summary>
    public string? Text => _text ??= _utf8 is null ? null : Encoding.UTF8.GetString(_utf8);

    /// <summary>The UTF-8 bytes without decoding them; encoded (a new array) only when the value was set as text.</summary>
    public readonly byte[]? ToUtf8() => _utf8 ?? (_text is null ? null : Encoding.UTF8.GetBytes(_text));

    public void Set(string? text)
    {
        _text = text;
        _utf8 = null;
    }

    public void Set(byte[]? utf8)
    {
        _utf8 = utf8;
        _text = null;
    }
}
