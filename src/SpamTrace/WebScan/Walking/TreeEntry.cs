using SpamTrace.Common;

namespace SpamTrace.WebScan.Walking;

/// <summary>A regular file of a scanned tree (or a symlink to one inside the tree), with its status.</summary>
public sealed record TreeEntry(string Path, string RelativePath, FileStatus Status);
