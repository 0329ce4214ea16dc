using System.Diagnostics;
using SpamTrace.Forensics;
using SpamTrace.Logs.Parsing;
using SpamTrace.Reports.Diagnose;
using SpamTrace.Tests.Forensics;
using Xunit.Abstractions;

namespace SpamTrace.Tests.Reports;

/// <summary>
/// The HTML report in a real browser (Debian's chromium, headless): it renders, the verdict and the timeline are
/// there, and markup hidden in log text (HELO, addresses, a SASL login) shows as text and never executes.
/// </summary>
public class DiagnoseHtmlChromiumTests(ITestOutputHelper output)
{
    private const string ScriptHelo = "<script>document.title='PWNED';document.body.setAttribute('data-pwned','1')</script>";
    private const string ImgSender = "<img src=x onerror=\"document.body.setAttribute('data-pwned','2')\">@evil.example";
    private const string ScriptLogin = "mallory<script>alert(1)</script>";

    private static readonly DateTime Start = new(2026, 3, 2, 20, 0, 0, DateTimeKind.Utc);

    private static string? Chromium() =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);

    internal static DiagnoseRun InjectionRun()
    {
        var f = new ChainFactory();
        var o = new DiagnoseObserver(UidNames.None);
        for (var i = 0; i < 60; i++)
        {
            var to = Enumerable.Range(0, 5).Select(k => $"v{i}x{k}@d{i}x{k}.example").ToList();
            o.OnChain(i % 2 == 0
                ? f.Relay(Start.AddSeconds(i * 5), "192.0.2.66", ImgSender, to, DeliveryStatus.Bounced, "5.7.1", "host mx[192.0.2.1] said: 554 5.7.1 <x>: blocked using zen.spamhaus.org <b>bold</b>", helo: ScriptHelo)
                : f.Relay(Start.AddSeconds(i * 5), "192.0.2.66", ImgSender, to, helo: ScriptHelo));
            o.OnChain(f.Relay(Start.AddSeconds(i * 5), "192.0.2.67", "x@spam.example", to, DeliveryStatus.Bounced, "5.1.1", "550 5.1.1 User unknown"));
            o.OnChain(f.Relay(Start.AddSeconds(i * 5), "192.0.2.68", "x@spam.example", to, DeliveryStatus.Bounced, "5.1.1", "550 5.1.1 User unknown"));
        }
        for (var i = 0; i < 30; i++)
        {
            o.OnSessionEvent(f.AuthFailure(Start.AddSeconds(-100 + i), $"198.51.100.{i + 1}", null));
            o.OnChain(f.Sasl(Start.AddSeconds(i * 7), ScriptLogin, $"198.51.100.{i + 1}", $"s{i}@forged{i}.example", [$"a{i}@gmail.com", $"b{i}@yahoo.com"],
                DeliveryStatus.Deferred, "4.7.1", "host mta5.am0.yahoodns.net[98.136.96.76] said: 421 4.7.1 [TS03] All messages from [192.0.2.10] will be permanently deferred"));
        }
        return new DiagnoseRun(DiagnoseService.Finish(o, null), null, null) { Server = "mx1.example.org", GeneratedUtc = new DateTime(2026, 3, 3, 7, 15, 0, DateTimeKind.Utc) };
    }

    [Fact]
    public void The_page_names_server_window_generation_time_and_version_and_shows_who_blocks_us_right_after_the_verdict()
    {
        var run = InjectionRun();
        var html = DiagnoseHtmlWriter.Render(run);
        var version = typeof(DiagnoseHtmlWriter).Assembly.GetName().Version!.ToString(3);
        static string T(DateTime? t) => t!.Value.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " UTC";
        var d = run.Diagnosis;
        Assert.Contains($"<title>spamtrace diagnose: mx1.example.org, {T(d.FirstSeenUtc)} to {T(d.LastSeenUtc)}</title>", html, StringComparison.Ordinal);
        Assert.Contains($"Log window {T(d.FirstSeenUtc)} to {T(d.LastSeenUtc)}", html, StringComparison.Ordinal);
        Assert.Contains("<h1 id=\"server\">spamtrace diagnose: mx1.example.org</h1>", html, StringComparison.Ordinal);
        Assert.Contains($"Generated 2026-03-03 07:15 UTC by spamtrace {version}.", html, StringComparison.Ordinal);
        var verdict = html.IndexOf("id=\"verdict\"", StringComparison.Ordinal);
        var blocks = html.IndexOf("<h2 id=\"who-blocks-us\"", StringComparison.Ordinal);
        Assert.True(verdict > 0 && blocks > verdict, "no Who blocks us after the verdict");
        var between = html[verdict..blocks];
        Assert.DoesNotContain("<h2", between, StringComparison.Ordinal);
        // Commands are never broken inside a word: no break-all anywhere, and command blocks do not wrap at all.
        Assert.DoesNotContain("break-all", html, StringComparison.Ordinal);
        Assert.Contains("pre.cmd{white-space:pre}", html, StringComparison.Ordinal);
        Assert.Contains("<pre class=\"cmd\">", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(60, 10, "recipients per minute", "HH:mm")]
    [InlineData(3600, 48, "recipients per hour", "MM-dd HH:mm")]
    [InlineData(86400, 90, "recipients per day", "yyyy-MM-dd")]
    public void Timeline_axes_are_labelled_with_units_that_follow_the_window(int binSeconds, int bins, string unit, string tickFormat)
    {
        var start = new DateTime(2026, 3, 2, 20, 0, 0, DateTimeKind.Utc);
        var width = TimeSpan.FromSeconds(binSeconds);
        var svg = SvgTimeline.Render(Enumerable.Range(0, bins).Select(i => (long)(i % 7)).ToArray(), start, width, null, "all outbound recipients");
        Assert.Contains($">{unit}</text>", svg, StringComparison.Ordinal);
        Assert.Contains("class=\"x-label\"", svg, StringComparison.Ordinal);
        Assert.Contains(">time (UTC", svg, StringComparison.Ordinal);
        Assert.Contains($">{start.ToString(tickFormat, System.Globalization.CultureInfo.InvariantCulture)}</text>", svg, StringComparison.Ordinal);
        Assert.Contains($">{(start + (width * bins)).ToString(tickFormat, System.Globalization.CultureInfo.InvariantCulture)}</text>", svg, StringComparison.Ordinal);
        Assert.Contains(">6</text>", svg, StringComparison.Ordinal); // the peak on the y axis
    }

    [Fact]
    public void Every_log_string_is_escaped_in_the_page()
    {
        var html = DiagnoseHtmlWriter.Render(InjectionRun());
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>bold", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain(" src=\"", html, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Headless_chromium_renders_the_report_and_the_injection_does_not_execute()
    {
        var chromium = Chromium();
        Skip.If(chromium is null, "chromium is not installed (deps/diagnose.txt): the HTML report was not checked in a browser");
        var dir = Directory.CreateTempSubdirectory("spamtrace-html-");
        try
        {
            var page = Path.Combine(dir.FullName, "report.html");
            var run = InjectionRun();
            Assert.True(run.Diagnosis.SpamFound);
            File.WriteAllText(page, DiagnoseHtmlWriter.Render(run));

            var dom = RunChromium(chromium!, dir.FullName, "--dump-dom", new Uri(page).AbsoluteUri);
            Assert.Contains("id=\"verdict\"", dom, StringComparison.Ordinal);
            Assert.Contains("Outbound spam found", dom, StringComparison.Ordinal);
            Assert.Contains("<svg", dom, StringComparison.Ordinal);
            Assert.Contains("relay:192.0.2.66", dom, StringComparison.Ordinal);
            // The injected markup is in the page as text, not as elements, and ran nothing.
            Assert.Contains("&lt;script&gt;document.title", dom, StringComparison.Ordinal);
            Assert.Contains("&lt;img src=x onerror=", dom, StringComparison.Ordinal);
            Assert.Contains("mallory&lt;script&gt;", dom, StringComparison.Ordinal);
            Assert.DoesNotContain("<script", dom, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<img", dom, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("data-pwned=\"", dom, StringComparison.Ordinal);
            Assert.DoesNotContain("PWNED</title>", dom, StringComparison.Ordinal);
            Assert.Contains("<title>spamtrace diagnose: mx1.example.org, ", dom, StringComparison.Ordinal);
            Assert.Contains("id=\"who-blocks-us\"", dom, StringComparison.Ordinal);
            Assert.Contains("recipients per ", dom, StringComparison.Ordinal);
            Assert.Contains("time (UTC", dom, StringComparison.Ordinal);
            Assert.True(dom.IndexOf("id=\"who-blocks-us\"", StringComparison.Ordinal) < dom.IndexOf("class=\"culprit\"", StringComparison.Ordinal), "Who blocks us is not before the culprits");

            var png = Path.Combine(dir.FullName, "report.png");
            RunChromium(chromium!, dir.FullName, $"--screenshot={png}", "--window-size=1100,1400", new Uri(page).AbsoluteUri);
            Assert.True(File.Exists(png), "no screenshot written");
            var bytes = File.ReadAllBytes(png);
            Assert.True(bytes.Length > 10_000, $"screenshot suspiciously small: {bytes.Length} bytes");
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
            var keep = Environment.GetEnvironmentVariable("SPAMTRACE_KEEP_SCREENSHOT");
            if (keep is not null)
            {
                File.Copy(png, keep, overwrite: true);
                File.Copy(page, Path.ChangeExtension(keep, ".html"), overwrite: true);
            }
            output.WriteLine($"screenshot: {bytes.Length} bytes");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static string RunChromium(string chromium, string workDir, params string[] args)
    {
        var psi = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workDir,
        };
        foreach (var a in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", $"--user-data-dir={Path.Combine(workDir, "profile-" + Guid.NewGuid().ToString("N"))}",
        }.Concat(args))
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("chromium did not finish in 90 s");
        }
        Assert.True(p.ExitCode == 0, $"chromium exited {p.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }
}
