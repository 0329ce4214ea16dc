using System.Runtime.InteropServices;

namespace SpamTrace.Common;

/// <summary>
/// Undoes a signal disposition inherited from the parent. A process started under `nohup` (or by a shell that
/// ignores SIGHUP for background jobs) inherits SIGHUP as ignored, and .NET then never delivers it to a
/// <see cref="PosixSignalRegistration"/>: a service whose reload is SIGHUP would silently stop reloading.
/// </summary>
public static class InheritedSignals
{
    private const int SigHup = 1;
    private static readonly IntPtr SigDfl = IntPtr.Zero;
    private static readonly IntPtr SigIgn = new(1);

    /// <summary>Makes an inherited "ignore SIGHUP" the default again; call just before registering a SIGHUP handler.</summary>
    /// <returns>True when SIGHUP had been ignored.</returns>
    public static bool RestoreHangup()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            return false;
        }
        var previous = Signal(SigHup, SigDfl);
        if (previous == SigIgn)
        {
            return true;
        }
        // Not ignored: put back whatever was there (the runtime's own handler, if it had installed one).
        Signal(SigHup, previous);
        return false;
    }

    [DllImport("libc", EntryPoint = "signal")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern IntPtr Signal(int signum, IntPtr handler);
}
