using System.IO.Compression;
using MimeKit;

namespace SpamTrace.Bounces.Input;

/// <summary>
/// Reads messages from .eml files, directories and maildirs (recursively), mbox files and standard input, gzip or not.
/// Mboxes are streamed message by message, so memory does not grow with the file.
/// </summary>
public static class MailboxReader
{
    public static IEnumerable<MailboxEntry> Read(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    if (Path.GetFileName(file).StartsWith('.'))
                    {
                        continue;
                    }
                    foreach (var entry in ReadFile(file))
                    {
                        yield return entry;
                    }
                }
            }
            else if (File.Exists(path) || path == "/dev/stdin")
            {
                foreach (var entry in ReadFile(path))
                {
                    yield return entry;
                }
            }
            else
            {
                throw new BounceInputException($"{path}: not found");
            }
        }
    }

    public static IEnumerable<MailboxEntry> ReadFile(string path)
    {
        Stream stream;
        try
        {
            stream = path == "/dev/stdin" ? Console.OpenStandardInput() : File.OpenRead(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BounceInputException($"{path}: {ex.Message}", ex);
        }
        using (stream)
        {
            foreach (var entry in ReadStream(path, stream))
            {
                yield return entry;
            }
        }
    }

    /// <summary>
    /// Reads one input. A file named *.eml is one message even when it starts with an mbox "From " line
    /// (its body may hold unescaped "From " lines); anything else starting with "From " is an mbox.
    /// </summary>
    public static IEnumerable<MailboxEntry> ReadStream(string name, Stream raw)
    {
        var outer = new PeekableStream(raw);
        Stream input = outer;
        var magic = outer.Peek(2);
        if (magic.Length == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
        {
            input = new GZipStream(outer, CompressionMode.Decompress);
        }
        var peekable = new PeekableStream(new LineEndingStream(input));
        bool isMbox;
        try
        {
            isMbox = peekable.Peek(5).AsSpan().SequenceEqual("From "u8);
            if (isMbox && IsSingleMessageName(name))
            {
                peekable.SkipLine();
                isMbox = false;
            }
        }
        catch (InvalidDataException ex)
        {
            throw new BounceInputException($"{name}: corrupt gzip data ({ex.Message})", ex);
        }
        var parser = new MimeParser(peekable, isMbox ? MimeFormat.Mbox : MimeFormat.Entity, persistent: false);
        var index = 0;
        while (!parser.IsEndOfStream)
        {
            index++;
            MimeMessage message;
            try
            {
                message = parser.ParseMessage();
            }
            catch (FormatException ex)
            {
                if (index > 1)
                {
                    yield break;
                }
                throw new BounceInputException($"{name}: not a mail message ({ex.Message})", ex);
            }
            catch (InvalidDataException ex)
            {
                throw new BounceInputException($"{name}{(isMbox ? "#" + index : "")}: corrupt or truncated gzip data ({ex.Message})", ex);
            }
            yield return new MailboxEntry(isMbox ? $"{name}#{index}" : name, message);
            if (!isMbox)
            {
                yield break;
            }
        }
    }

    private static bool IsSingleMessageName(string name)
    {
        var n = name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? name[..^3] : name;
        return n.EndsWith(".eml", StringComparison.OrdinalIgnoreCase) || n.EndsWith(".msg", StringComparison.OrdinalIgnoreCase);
    }
}
