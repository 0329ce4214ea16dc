using System.Text;

namespace SpamTrace.Common;

/// <summary>Bytes from the wire as text that keeps every byte apart: invalid UTF-8 is not folded into U+FFFD.</summary>
public static class Utf8Text
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Valid UTF-8 decodes as it is. Otherwise each byte that is not part of a valid sequence becomes "\xNN" and each
    /// backslash "\x5c", so two different invalid values never become the same string (as they would with U+FFFD)
    /// and the text stays readable.
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return Strict.GetString(bytes);
        }
        var sb = new StringBuilder(bytes.Length + 16);
        while (!bytes.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(bytes, out var rune, out var consumed);
            if (status == System.Buffers.OperationStatus.Done)
            {
                if (rune.Value == '\\')
                {
                    sb.Append("\\x5c");
                }
                else
                {
                    sb.Append(rune.ToString());
                }
            }
            else
            {
                for (var i = 0; i < consumed; i++)
                {
                    sb.Append("\\x").Append(bytes[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                }
            }
            bytes = bytes[consumed..];
        }
        return sb.ToString();
    }
}
