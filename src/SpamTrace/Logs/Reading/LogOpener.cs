using System.IO.Compression;
using System.Runtime.ExceptionServices;
using SharpCompress.Compressors.BZip2;
using SharpCompress.Compressors.Xz;
using SpamTrace.Common;
using ZstdSharp;
using SharpCompressionMode = SharpCompress.Compressors.CompressionMode;

namespace SpamTrace.Logs.Reading;

/// <summary>
/// Opens a log as a stream of syslog lines: decompresses by magic bytes (a rotated file may be renamed or
/// compressed by a different tool than its name says) and transcodes journalctl JSON exports on the fly.
/// </summary>
public static class LogOpener
{
    /// <summary>How much decoded text is inspected to recognise a journal export.</summary>
    private const int JournalSniffLength = 64 * 1024;

    public static DecodedLogStream Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, FileOptions.SequentialScan);
        try
        {
            return Open(file, path, () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <param name="stored">The bytes as stored; taken over and disposed with the result.</param>
    /// <param name="name">How the input is named in errors.</param>
    public static DecodedLogStream Open(Stream stored, string name) => Open(stored, name, null);

    /// <param name="stored">The bytes as stored; taken over and disposed with the result.</param>
    /// <param name="name">How the input is named in errors.</param>
    /// <param name="reopenStored">Opens the stored bytes again from the start (files only), for the multi-member gzip check.</param>
    private static DecodedLogStream Open(Stream stored, string name, Func<Stream>? reopenStored)
    {
        var source = new SourceCountingStream(stored);
        var magic = new byte[CompressionMagic.MaxLength];
        var magicLength = ReplayStream.ReadUpTo(source, magic);
        var format = CompressionMagic.Detect(magic.AsSpan(0, magicLength));
        Stream raw = new ReplayStream(magic, magicLength, source);
        Stream decoded;
        try
        {
            decoded = format switch
            {
                CompressionFormat.Gzip => new GzipTrailerCheckStream(new GZipStream(raw, CompressionMode.Decompress), source, reopenStored),
                CompressionFormat.Bzip2 => ExecutablePath.Find("bzip2") is { } bzip2 ? new ProcessOutputStream(bzip2, ["-dc"], raw) : BZip2Stream.Create(raw, SharpCompressionMode.Decompress, decompressConcatenated: true, leaveOpen: false, tolerateTruncatedStream: false),
                CompressionFormat.Xz => ExecutablePath.Find("xz") is { } xz ? new ProcessOutputStream(xz, ["-dc"], raw) : new XZStream(raw),
                CompressionFormat.Zstd => new DecompressionStream(raw, 128 * 1024, checkEndOfStream: true, leaveOpen: false),
                _ => raw,
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Some decoders read their first block on creation: a file cut inside it is reported as any other
            // truncation, at line 1, by the first read.
            decoded = new ReplayStream([], 0, raw, ExceptionDispatchInfo.Capture(ex));
        }

        // A decoder failing inside the sniffed head (a file cut early) still hands on what it decoded before the error.
        var head = new byte[JournalSniffLength];
        var headLength = ReplayStream.ReadUpTo(decoded, head, out var failure);
        var replay = new ReplayStream(head, headLength, decoded, failure);
        if (JournalJsonTranscoder.LooksLikeJournalJson(head.AsSpan(0, headLength)))
        {
            return new DecodedLogStream(new JournalJsonTranscoder(replay), source, format, isJournal: true);
        }
        return new DecodedLogStream(replay, source, format, isJournal: false);
    }
}
