using SpamTrace.Logs.Reading;

namespace SpamTrace.Tests.Reading;

public class ThreadNiceTests
{
    [SkippableFact]
    public void A_pipeline_thread_runs_at_a_lower_priority_than_the_correlator()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "thread priorities are set through Linux's setpriority");
        int mine = Nice(ThreadNice.CurrentThreadId()), lowered = int.MinValue;
        var thread = new Thread(() =>
        {
            ThreadNice.Lower();
            lowered = Nice(ThreadNice.CurrentThreadId());
        });
        thread.Start();
        thread.Join();
        Assert.Equal(mine + 5, lowered);
        Assert.Equal(mine, Nice(ThreadNice.CurrentThreadId())); // the caller's own thread is untouched
    }

    /// <summary>Field 19 of /proc/self/task/TID/stat, after the command name in parentheses.</summary>
    private static int Nice(int tid)
    {
        var stat = File.ReadAllText($"/proc/self/task/{tid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], System.Globalization.CultureInfo.InvariantCulture);
    }
}
