using System.Text;
using Microsoft.Win32.SafeHandles;

namespace SpamTrace.WebScan.Walking;

/// <summary>
/// Reads a candidate file as text (Latin-1: one char per byte, so offsets are byte offsets), bounded: a file larger
/// than the limit is read as its head and tail and marked sampled. A file without a PHP extension is read only when
/// its head or tail contains "&lt;?php" (an image or text file with PHP inside).
/// </summary>
public static class PhpFileReader
{
    public const int SniffBytes = 64 * 1024;
    public const long DefaultMaxBytes = 8L << 20;

    public sealed record Content(string Text, bool Sampled);

    public static Content? Read(string path, long size, bool phpExtension, long maxBytes)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (!phpExtension && !Sniff(handle, size))
        {
            return null;
        }
        if (size <= maxBytes)
        {
            var bytes = new byte[size];
            var read = ReadAt(handle, bytes, 0);
            return new Content(Encoding.Latin1.GetString(bytes, 0, read), false);
        }
        var half = (int)(maxBytes / 2);
        var head = new byte[half];
        var tail = new byte[half];
        var headRead = ReadAt(handle, head, 0);
        var tailRead = ReadAt(handle, tail, size - half);
        return new Content(Encoding.Latin1.GetString(head, 0, headRead) + "\n" + Encoding.Latin1.GetString(tail, 0, tailRead), true);
    }

    private static bool Sniff(SafeFileHandle handle, long size)
    {
        var buffer = new byte[(int)Math.Min(size, SniffBytes)];
        var read = ReadAt(handle, buffer, 0);
        if (Contains(buffer.AsSpan(0, read)))
        {
            return true;
        }
        if (size <= SniffBytes)
        {
            return false;
        }
        read = ReadAt(handle, buffer, Math.Max(SniffBytes, size - SniffBytes));
        return Contains(buffer.AsSpan(0, read));
    }

    private static bool Contains(ReadOnlySpan<byte> bytes) =>
        bytes.IndexOf("<?php"u8) >= 0 || bytes.IndexOf("<?PHP"u8) >= 0 || bytes.IndexOf("<?Php"u8) >= 0;

    private static int ReadAt(SafeFileHandle handle, byte[] buffer, long offset)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = RandomAccess.Read(handle, buffer.AsSpan(total), offset + total);
            if (n <= 0) { break; }
            total += n;
        }
        return total;
    }
}
