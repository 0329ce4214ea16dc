using System.Diagnostics;
using System.Text;

namespace SpamTrace.Queue;

/// <summary>Runs real processes with arguments passed as a list: nothing is ever interpreted by a shell.</summary>
public sealed class ProcessRunner : IProcessRunner
{
    public ProcessResult Run(string program, IReadOnlyList<string> arguments, string? standardInput = null)
    {
        using var process = Start(program, arguments, standardInput is not null);
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (standardInput is not null)
        {
            process.StandardInput.Write(standardInput);
            process.StandardInput.Close();
        }
        process.WaitForExit();
        return new ProcessResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    public T RunStreaming<T>(string program, IReadOnlyList<string> arguments, Func<Stream, T> consume, out ProcessResult result)
    {
        using var process = Start(program, arguments, redirectInput: false);
        var stderr = process.StandardError.ReadToEndAsync();
        T value;
        try
        {
            value = consume(process.StandardOutput.BaseStream);
            process.StandardOutput.BaseStream.CopyTo(Stream.Null); // drain what the consumer left
        }
        finally
        {
            process.WaitForExit();
        }
        result = new ProcessResult(process.ExitCode, "", stderr.GetAwaiter().GetResult());
        return value;
    }

    private static Process Start(string program, IReadOnlyList<string> arguments, bool redirectInput)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        try
        {
            return Process.Start(info) ?? throw new InvalidOperationException($"{program}: could not be started");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new FileNotFoundException($"{program}: cannot run it ({ex.Message}); is Postfix installed?", program);
        }
    }
}
