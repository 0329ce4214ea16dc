using System.Diagnostics;
using SpamTrace.Policy.Limits;

namespace SpamTrace.Tests.Policy;

/// <summary>Who can reach the policy listener: the default socket, the check's warning, the unit's restrictions.</summary>
public sealed class ListenerSecurityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spamtrace-policy-listen-").FullName;

    [Fact]
    public void Without_a_listen_address_the_socket_goes_into_postfixs_private_dir_when_it_exists_else_loopback_tcp()
    {
        var privateDir = Directory.CreateDirectory(Path.Combine(_dir, "private")).FullName;
        var withPostfix = PolicyTestSupport.Config("{}", postfixPrivateDir: privateDir);
        Assert.Equal(Path.Combine(privateDir, "spamtrace"), withPostfix.UnixSocket);
        Assert.Null(withPostfix.Tcp);

        var withoutPostfix = PolicyTestSupport.Config("{}", postfixPrivateDir: Path.Combine(_dir, "missing"));
        Assert.Null(withoutPostfix.UnixSocket);
        Assert.Equal("127.0.0.1:10040", withoutPostfix.Tcp);

        // A configured address is used as it is, whatever exists.
        var tcpOnly = PolicyTestSupport.Config("""{ "listen": { "tcp": "127.0.0.1:10041" } }""", postfixPrivateDir: privateDir);
        Assert.Null(tcpOnly.UnixSocket);
        Assert.Equal("127.0.0.1:10041", tcpOnly.Tcp);
        Assert.Equal("/var/spool/postfix/private", ListenerDefaults.PostfixPrivateDir);
    }

    [Theory]
    [InlineData("0.0.0.0:10040", true)]
    [InlineData("[::]:10040", true)]
    [InlineData("192.0.2.1:10040", true)]
    [InlineData("127.0.0.1:10040", false)]
    [InlineData("127.0.0.2:10040", false)]
    [InlineData("[::1]:10040", false)]
    [InlineData(null, false)]
    public void Tcp_beyond_loopback_is_exposed(string? endpoint, bool exposed) => Assert.Equal(exposed, ListenerExposure.Exposed(endpoint));

    [Fact]
    public void Check_warns_when_tcp_listens_beyond_loopback_and_still_accepts_the_config()
    {
        var path = Path.Combine(_dir, "policy.json");
        File.WriteAllText(path, """{ "listen": { "tcp": "0.0.0.0:10040", "metrics": "127.0.0.1:9488" } }""");
        var (exit, stdout, stderr) = Check(path);
        Assert.Equal(0, exit);
        Assert.Contains("policy.json: ok", stdout);
        Assert.Contains("warning: listen.tcp 0.0.0.0:10040 accepts connections from beyond loopback", stderr);
        Assert.Contains("any user name", stderr);
        Assert.DoesNotContain("listen.metrics", stderr);

        File.WriteAllText(path, """{ "listen": { "tcp": "127.0.0.1:10040" } }""");
        (exit, _, stderr) = Check(path);
        Assert.Equal(0, exit);
        Assert.DoesNotContain("warning", stderr);
    }

    [Fact]
    public void The_unit_keeps_tcp_on_this_host_and_the_example_socket_for_postfix_only()
    {
        var root = PolicyTestSupport.RepoRoot();
        var unit = File.ReadAllLines(Path.Combine(root, "dist", "spamtrace-policy.service")).Select(l => l.Trim()).ToList();
        Assert.Contains("IPAddressDeny=any", unit);
        Assert.Contains("IPAddressAllow=localhost", unit);
        Assert.Contains("UMask=0077", unit);
        Assert.Contains("Group=postfix", unit);
        var example = PolicyConfigLoader.Load(Path.Combine(root, "dist", "policy.example.json"));
        Assert.Equal("/var/spool/postfix/private/spamtrace", example.UnixSocket);
        Assert.Equal(Convert.ToInt32("660", 8), example.UnixSocketMode);
        Assert.Empty(ListenerExposure.Warnings(example));
    }

    private static (int Exit, string Stdout, string Stderr) Check(string path)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "SpamTrace.Cli.dll"), "policy", "check", "-c", path })
        {
            info.ArgumentList.Add(a);
        }
        info.Environment["COLUMNS"] = "200";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "spamtrace did not exit");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
