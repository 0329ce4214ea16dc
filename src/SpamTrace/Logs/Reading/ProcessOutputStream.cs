using System.Diagnostics;
using System.Text;
using SpamTrace.Common;

namespace SpamTrace.Logs.Reading;

/// <summary>
/// The standard output of a program as a log stream: `xz -dc` fed with the stored bytes (where the system's own
/// decompressor recovers more of a truncated file than a managed decoder), or `journalctl -o json`. The program's
/// non-zero exit becomes an error after its last output byte, with its message, so everything it printed is read.
/// </summary>
internal sealed class ProcessOutputStream : ReadOnlyStream
{
    private const int MaxErrorText = 4096;

    private readonly Process _process;
    private readonly Stream _output;
    private readonly Thread? _pump;
    private readonly StringBuilder _errorText = new();
    private readonly Task _errorReader;
    private readonly string _name;
    private Exception? _inputFailure;
    private bool _finished;

    /// <param name="program">The program to run.</param>
    /// <param name="arguments">Its arguments, passed as they are (no shell).</param>
    /// <param name="input">Copied to its standard input; null: it gets an empty one.</param>
    public ProcessOutputStream(string program, IReadOnlyList<string> arguments, Stream? input)
    {
        _name = Path.GetFileName(program);
        var psi = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["LC_ALL"] = "C";
        try
        {
            _process = Process.Start(psi) ?? throw new IOException($"cannot start {program}");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new IOException($"cannot start {program}: {ex.Message}", ex);
        }
        _output = _process.StandardOutput.BaseStream;
        _errorReader = Task.Run(ReadErrors);
        if (input is null)
        {
            _process.StandardInput.Close();
        }
        else
        {
            _pump = new Thread(() => Pump(input)) { IsBackground = true, Name = _name + " input" };
            _pump.Start();
        }
    }

    private void Pump(Stream input)
    {
        var stdin = _process.StandardInput.BaseStream;
        var buffer = new byte[128 * 1024];
        try
        {
            while (true)
            {
                int n;
                try
                {
                    n = input.Read(buffer);
                }
                catch (Exception ex)
                {
                    _inputFailure = ex;
                    return;
                }
                if (n == 0)
                {
                    return;
                }
                try
                {
                    stdin.Write(buffer, 0, n);
                }
                catch (IOException)
                {
                    // The program stopped reading (corrupt data, or closed early): its exit status and message tell why.
                    return;
                }
            }
        }
        finally
        {
            try
            {
                stdin.Dispose();
            }
            catch (IOException)
            {
            }
        }
    }

    private async Task ReadErrors()
    {
        var buffer = new char[1024];
        int n;
        while ((n = await _process.StandardError.ReadAsync(buffer)) > 0)
        {
            lock (_errorText)
            {
                _errorText.Append(buffer, 0, Math.Min(n, Math.Max(0, MaxErrorText - _errorText.Length)));
            }
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_finished)
        {
            return 0;
        }
        var n = _output.Read(buffer);
        if (n > 0 || buffer.Length == 0)
        {
            return n;
        }
        _finished = true;
        _process.WaitForExit();
        _pump?.Join();
        _errorReader.Wait();
        if (_inputFailure is not null)
        {
            throw new IOException(_inputFailure.Message, _inputFailure);
        }
        if (_process.ExitCode != 0)
        {
            string message;
            lock (_errorText)
            {
                message = _errorText.ToString().Trim().ReplaceLineEndings("; ");
            }
            throw new IOException($"{_name} exited with status {_process.ExitCode}: {(message.Length > 0 ? message : "no message")}");
        }
        return 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill();
                    _process.WaitForExit();
                }
            }
            catch (InvalidOperationException)
            {
            }
            _output.Dispose();
            // Reading standard input may block until more arrives; the thread is a background one.
            _pump?.Join(TimeSpan.FromSeconds(1));
            _process.Dispose();
        }
        base.Dispose(disposing);
    }
}
