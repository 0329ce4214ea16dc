using SpamTrace.Forensics;
using SpamTrace.Logs;
using SpamTrace.Logs.Reading;

namespace SpamTrace.Tests.Policy.Greylisting;

/// <summary>diagnose on a log where our own smtpd greylisted Internet clients (our service's text and postgrey's).</summary>
public sealed class GreylistDiagnoseTests
{
    private static string Reject(int second, string ip, string to, string code, string text) =>
        $"Dec  7 10:{second / 60:00}:{second % 60:00} mail postfix/smtpd[2211]: NOQUEUE: reject: RCPT from unknown[{ip}]: {code} <{to}>: Recipient address rejected: {text}; from=<news@lists.example.org> to=<{to}> proto=ESMTP helo=<mx.example.org>\n";

    private static Diagnosis Diagnose(string log)
    {
        var path = Path.Combine(Path.GetTempPath(), $"spamtrace-greylist-diagnose-{Guid.NewGuid():N}.log");
        File.WriteAllText(path, log);
        try
        {
            var (inputs, errors) = LogDiscovery.Resolve([path]);
            Assert.Empty(errors);
            return DiagnoseService.Run(inputs, new LogEngineOptions(), UidNames.None, null, null, default).Diagnosis;
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Our_greylisting_deferrals_are_one_line_and_not_relay_attempts_or_abuse()
    {
        var log = "";
        for (var i = 0; i < 40; i++)
        {
            log += Reject(i, $"203.0.113.{i % 3 + 1}", $"user{i}@example.net", "450 4.7.1", "Greylisted, retry in 300 seconds");
        }
        log += Reject(50, "198.51.100.9", "bob@example.net", "450 4.2.0", "Greylisted, see http://postgrey.schweikert.ch/help/example.net.html");
        log += "Dec  7 10:01:00 mail postfix/smtpd[2211]: NOQUEUE: reject: RCPT from unknown[192.0.2.66]: 554 5.7.1 <x@elsewhere.example>: Relay access denied; from=<a@b.example> to=<x@elsewhere.example> proto=ESMTP helo=<x>\n";

        var d = Diagnose(log);

        Assert.Contains(d.Notes, n => n.StartsWith("greylisting deferred 41 attempts from 4 clients", StringComparison.Ordinal));
        Assert.Equal(1, d.RelayDenied);
        Assert.False(d.SpamFound);
    }

    [Theory]
    [InlineData("450 4.7.1", "Greylisted, retry in 300 seconds", true)]
    [InlineData("450 4.2.0", "Greylisted, see http://postgrey.schweikert.ch/help/example.net.html", true)]
    [InlineData("451 4.7.1", "Greylisting in action, please come back later", true)]
    [InlineData("554 5.7.1", "Greylisted", false)]
    [InlineData("450 4.1.8", "Sender address rejected: Domain not found", false)]
    [InlineData(null, "Greylisted", false)]
    public void Only_temporary_refusals_saying_greylisted_count(string? code, string text, bool expected) =>
        Assert.Equal(expected, GreylistDeferrals.IsGreylisting(code, text));
}
