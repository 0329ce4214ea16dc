using System.Buffers;
using System.IO.Compression;
using System.Text;

namespace SpamTrace.WebScan.Decoding;

/// <summary>
/// Undoes the obvious layers droppers and shells hide behind, bounded in depth, count and size: long base64
/// literals (then raw deflate, zlib or gzip, str_rot13 and strrev when the file uses them) and escaped strings.
/// Only layers that decode to text are kept; random bytes (an embedded image) are not a layer.
/// </summary>
public static class LayerDecoder
{
    public const int MaxDepth = 4;
    public const int MaxLayers = 24;
    public const int MaxTotalChars = 4 << 20;
    private const int MinBase64Run = 120;
    private const int MaxRunsPerText = 8;

    private static readonly SearchValues<char> Base64Alphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");

    /// <summary>base64_decode skips line breaks: encoders wrap their output at 76 or 80 columns.</summary>
    private static readonly SearchValues<char> Base64Wrapped =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\r\n");

    public static List<DecodedLayer> Decode(string text)
    {
        var layers = new List<DecodedLayer>();
        var budget = MaxTotalChars;
        Expand(text, "", 1, layers, ref budget);
        return layers;
    }

    private static void Expand(string text, string how, int depth, List<DecodedLayer> layers, ref int budget)
    {
        if (depth > MaxDepth)
        {
            return;
        }
        var found = new List<DecodedLayer>();
        var escaped = EscapedStrings.Decode(text, Math.Min(budget, 1 << 20));
        if (escaped is not null)
        {
            found.Add(new DecodedLayer(Join(how, "escapes"), escaped, depth));
        }
        var rot13 = text.Contains("str_rot13", StringComparison.OrdinalIgnoreCase);
        var reversed = text.Contains("strrev", StringComparison.OrdinalIgnoreCase);
        foreach (var run in LongestBase64Runs(text))
        {
            foreach (var (bytes, step) in Base64Candidates(run, rot13, reversed))
            {
                if (Textual(bytes) is { } plain)
                {
                    found.Add(new DecodedLayer(Join(how, step), plain, depth));
                    break;
                }
                var unpacked = Inflate(bytes, out var method);
                if (Textual(unpacked) is { } inflated)
                {
                    found.Add(new DecodedLayer(Join(how, step + " > " + method), MaybeRot13(inflated, rot13), depth));
                    break;
                }
            }
        }
        foreach (var layer in found)
        {
            if (layers.Count >= MaxLayers || budget <= 0)
            {
                return;
            }
            var kept = layer.Text.Length > budget ? layer with { Text = layer.Text[..budget] } : layer;
            budget -= kept.Text.Length;
            layers.Add(kept);
            Expand(kept.Text, kept.How, depth + 1, layers, ref budget);
        }
    }

    private static string Join(string how, string step) => how.Length == 0 ? step : how + " > " + step;

    /// <summary>str_rot13 applied after decompression (eval(str_rot13(gzinflate(...)))) shows as text that is not PHP.</summary>
    private static string MaybeRot13(string text, bool rot13) =>
        rot13 && !LooksLikeCode(text) && LooksLikeCode(Rot13(text)) ? Rot13(text) : text;

    private static bool LooksLikeCode(string text) =>
        text.Contains("$", StringComparison.Ordinal) && (text.Contains("(", StringComparison.Ordinal) || text.Contains("<?", StringComparison.Ordinal));

    private static IEnumerable<(byte[] Bytes, string Step)> Base64Candidates(string run, bool rot13, bool reversed)
    {
        if (TryBase64(run) is { } direct) { yield return (direct, "base64"); }
        if (rot13 && TryBase64(Rot13(run)) is { } afterRot) { yield return (afterRot, "str_rot13 > base64"); }
        if (reversed)
        {
            var chars = run.ToCharArray();
            Array.Reverse(chars);
            if (TryBase64(new string(chars)) is { } afterReverse) { yield return (afterReverse, "strrev > base64"); }
        }
    }

    private static IEnumerable<string> LongestBase64Runs(string text)
    {
        var runs = new List<(int Start, int Length)>();
        var span = text.AsSpan();
        var i = 0;
        while (i < span.Length)
        {
            var start = span[i..].IndexOfAny(Base64Alphabet);
            if (start < 0) { break; }
            start += i;
            var length = span[start..].IndexOfAnyExcept(Base64Wrapped);
            if (length < 0) { length = span.Length - start; }
            if (length >= MinBase64Run)
            {
                runs.Add((start, length));
            }
            i = start + length + 1;
        }
        return runs.OrderByDescending(r => r.Length).Take(MaxRunsPerText).Select(r => Unwrapped(text.AsSpan(r.Start, Math.Min(r.Length, MaxTotalChars))));
    }

    private static string Unwrapped(ReadOnlySpan<char> run)
    {
        if (run.IndexOfAny('\r', '\n') < 0)
        {
            return run.ToString();
        }
        var builder = new System.Text.StringBuilder(run.Length);
        foreach (var c in run)
        {
            if (c is not ('\r' or '\n')) { builder.Append(c); }
        }
        return builder.ToString();
    }

    private static byte[]? TryBase64(string run)
    {
        var trimmed = run.TrimEnd('=');
        var usable = trimmed.Length - trimmed.Length % 4;
        if (usable < MinBase64Run)
        {
            return null;
        }
        var padded = trimmed.Length % 4 == 0 ? trimmed : trimmed.Length % 4 == 1 ? trimmed[..usable] : trimmed + new string('=', 4 - trimmed.Length % 4);
        var buffer = new byte[padded.Length / 4 * 3];
        return Convert.TryFromBase64String(padded, buffer, out var written) ? buffer[..written] : null;
    }

    private static byte[]? Inflate(byte[] bytes, out string method)
    {
        foreach (var (name, open) in new (string, Func<Stream, Stream>)[]
                 {
                     ("gzinflate", s => new DeflateStream(s, CompressionMode.Decompress)),
                     ("gzuncompress", s => new ZLibStream(s, CompressionMode.Decompress)),
                     ("gzdecode", s => new GZipStream(s, CompressionMode.Decompress)),
                 })
        {
            try
            {
                using var input = open(new MemoryStream(bytes));
                var output = new MemoryStream();
                var buffer = new byte[81920];
                int read;
                while ((read = input.Read(buffer)) > 0 && output.Length < MaxTotalChars)
                {
                    output.Write(buffer, 0, read);
                }
                if (output.Length > 0)
                {
                    method = name;
                    return output.ToArray();
                }
            }
            catch (InvalidDataException)
            {
            }
        }
        method = "";
        return null;
    }

    /// <summary>The bytes as text when they are mostly printable (code, HTML), else null.</summary>
    private static string? Textual(byte[]? bytes)
    {
        if (bytes is null || bytes.Length < 16)
        {
            return null;
        }
        var sample = bytes.AsSpan(0, Math.Min(bytes.Length, 4096));
        var printable = 0;
        foreach (var b in sample)
        {
            if (b is >= 0x20 and < 0x7f or (byte)'\n' or (byte)'\r' or (byte)'\t' or >= 0xc0)
            {
                printable++;
            }
        }
        return printable >= sample.Length * 0.9 ? Encoding.Latin1.GetString(bytes) : null;
    }

    internal static string Rot13(string text) => string.Create(text.Length, text, static (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            span[i] = c switch
            {
                >= 'a' and <= 'z' => (char)('a' + (c - 'a' + 13) % 26),
                >= 'A' and <= 'Z' => (char)('A' + (c - 'A' + 13) % 26),
                _ => c,
            };
        }
    });
}
