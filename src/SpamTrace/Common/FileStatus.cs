using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace SpamTrace.Common;

/// <summary>Owner, group, mode and times of a path without following a final symlink (.NET has no uid/gid API).</summary>
public readonly record struct FileStatus(int Uid, int Gid, UnixFileMode Mode, bool IsRegularFile, long Size, DateTimeOffset Modified, DateTimeOffset Changed)
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;

    /// <summary>lstat-like: null when the path does not exist or cannot be examined.</summary>
    public static FileStatus? Of(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        var buffer = new byte[256];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
        {
            return null;
        }
        var span = buffer.AsSpan();
        var mode = BinaryPrimitives.ReadUInt16LittleEndian(span[28..]);
        return new FileStatus(
            (int)BinaryPrimitives.ReadUInt32LittleEndian(span[20..]),
            (int)BinaryPrimitives.ReadUInt32LittleEndian(span[24..]),
            (UnixFileMode)(mode & 0xfff),
            (mode & 0xf000) == 0x8000,
            (long)BinaryPrimitives.ReadUInt64LittleEndian(span[40..]),
            DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64LittleEndian(span[112..])),
            DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64LittleEndian(span[96..])));
    }

    /// <summary>chown(2) without following symlinks; false when it failed.</summary>
    public static bool SetOwner(string path, int uid, int gid) => OperatingSystem.IsLinux() && Lchown(path, uid, gid) == 0;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", EntryPoint = "lchown", SetLastError = true)]
    private static extern int Lchown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int uid, int gid);
}
