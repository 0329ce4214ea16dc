namespace SpamTrace.Queue;

/// <summary>What a finished process said.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>
/// Runs Postfix's tools. Everything that touches a queue or a config goes through here, so unit tests can answer
/// with outputs captured from a real Postfix and containment tests can check the exact commands and stdin.
/// </summary>
public interface IProcessRunner
{
    /// <summary>Runs a program to completion, optionally feeding stdin, and captures its output.</summary>
    ProcessResult Run(string program, IReadOnlyList<string> arguments, string? standardInput = null);

    /// <summary>Runs a program and hands its stdout to <paramref name="consume"/> as a stream (large queues).</summary>
    T RunStreaming<T>(string program, IReadOnlyList<string> arguments, Func<Stream, T> consume, out ProcessResult result);
}
