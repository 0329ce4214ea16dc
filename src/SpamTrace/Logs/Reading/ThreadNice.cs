using System.Runtime.InteropServices;

namespace SpamTrace.Logs.Reading;

/// <summary>
/// Lowers the calling thread's scheduling priority (nice +5 on top of its own) on Linux. The reading and parsing
/// threads run ahead of the correlator, the one stage everything waits for; on a 2-core server they took turns on its
/// core with it. At a lower priority they use what the correlator leaves (1 GB benchmark log: 1.32 s -> 1.16 s wall).
/// .NET's Thread.Priority does nothing on Linux, so this asks the kernel; lowering one's own priority needs no privilege.
/// </summary>
internal static class ThreadNice
{
    private const int PrioProcess = 0;
    private const int Nice = 5;

    /// <summary>The thread's Linux ID (gettid has no glibc wrapper before 2.30: RHEL 8 has 2.28), or 0 when unknown.</summary>
    public static int CurrentThreadId()
    {
        var number = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 186L,
            Architecture.Arm64 => 178L,
            _ => 0L,
        };
        if (!OperatingSystem.IsLinux() || number == 0)
        {
            return 0;
        }
        try
        {
            return (int)Syscall(number);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return 0;
        }
    }

    public static void Lower()
    {
        var tid = CurrentThreadId();
        if (tid <= 0)
        {
            return;
        }
        try
        {
            // Relative to the thread's own nice value (the user may have started us with nice): never raises priority.
            var current = GetPriority(PrioProcess, tid);
            _ = SetPriority(PrioProcess, tid, Math.Min(current + Nice, 19));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: the threads keep the default priority.
        }
    }

    // Blittable arguments only: plain DllImport needs no marshalling stubs and no unsafe code.
    [DllImport("libc", EntryPoint = "syscall")]
    private static extern long Syscall(long number);

    [DllImport("libc", EntryPoint = "getpriority")]
    private static extern int GetPriority(int which, int who);

    [DllImport("libc", EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, int who, int prio);
}
