using System.Text.Json;
using SpamTrace.Audit.Findings;
using SpamTrace.Reports.Audit;
using Spectre.Console;

namespace SpamTrace.Tests.Audit;

public class AuditReportWriterTests
{
    private const string Hostile = "mx\u001b]0;owned\u0007<script>alert(1)</script>[red]x[/]";

    private static AuditReport Sample()
    {
        var report = new AuditReport { Subject = "/etc/postfix" };
        report.Findings.Add(new AuditFinding
        {
            Id = "hardening.vrfy",
            Severity = AuditSeverity.Low,
            Title = "VRFY is enabled",
            Why = "VRFY lets anyone test which addresses exist.",
            Fix = ["postconf -e disable_vrfy_command=yes"],
        });
        report.Findings.Add(new AuditFinding
        {
            Id = "relay.mynetworks-wide",
            Severity = AuditSeverity.Critical,
            Title = "mynetworks " + Hostile,
            Evidence = [new AuditEvidence("main.cf:12", Hostile) { File = "main.cf", Line = 12, Parameter = "mynetworks" }],
            Why = "Every host in mynetworks may relay.",
            Fix = ["postconf -e 'mynetworks=127.0.0.0/8 [::1]/128'"],
            Service = "smtp",
        });
        report.Sections.Add(new AuditSection("relay", "Who may relay", ["service", "client"], [["smtp", Hostile]]));
        return report;
    }

    [Fact]
    public void Terminal_output_shows_control_characters_and_markup_as_text_most_severe_first()
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(writer) });
        console.Profile.Width = 4000;
        new AuditTerminalRenderer(console).Render(Sample());
        var text = writer.ToString();
        Assert.DoesNotContain('\u001b', text);
        Assert.DoesNotContain('\u0007', text);
        Assert.Contains(@"mx\x1b]0;owned\x07<script>", text);
        Assert.Contains("[red]x[/]", text);
        Assert.True(text.IndexOf("relay.mynetworks-wide", StringComparison.Ordinal) < text.IndexOf("hardening.vrfy", StringComparison.Ordinal));
    }

    [Fact]
    public void Html_escapes_every_string_and_forbids_scripts()
    {
        var html = AuditHtmlWriter.Render(Sample());
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("&lt;script&gt;", html);
        Assert.Contains("default-src 'none'", html);
    }

    [Fact]
    public void Json_carries_schema_counts_findings_and_section_rows()
    {
        using var stream = new MemoryStream();
        AuditJsonWriter.Write(stream, Sample(), AuditSeverity.High);
        using var doc = JsonDocument.Parse(stream.ToArray());
        var root = doc.RootElement;
        Assert.Equal("spamtrace.audit/1", root.GetProperty("schema").GetString());
        Assert.Equal(1, root.GetProperty("exit_code").GetInt32());
        Assert.Equal(1, root.GetProperty("counts").GetProperty("critical").GetInt32());
        var first = root.GetProperty("findings")[0];
        Assert.Equal("relay.mynetworks-wide", first.GetProperty("id").GetString());
        Assert.Equal(12, first.GetProperty("evidence")[0].GetProperty("line").GetInt32());
        Assert.Equal(Hostile, root.GetProperty("sections")[0].GetProperty("rows")[0].GetProperty("client").GetString());
    }

    [Theory]
    [InlineData(AuditSeverity.Critical, 1)]
    [InlineData(AuditSeverity.Low, 1)]
    public void Exit_code_is_one_when_a_finding_is_at_or_above_fail_on(AuditSeverity failOn, int expected) =>
        Assert.Equal(expected, Sample().ExitCode(failOn));

    [Fact]
    public void Exit_code_is_zero_when_findings_are_below_fail_on()
    {
        var report = Sample();
        report.Filter([], ["relay."]);
        Assert.Equal(0, report.ExitCode(AuditSeverity.Medium));
        Assert.Single(report.Findings);
    }

    [Fact]
    public void Only_keeps_exact_ids_and_prefixes()
    {
        var report = Sample();
        report.Filter(["hardening.vrfy"], []);
        Assert.Equal("hardening.vrfy", Assert.Single(report.Findings).Id);
        Assert.Null(AuditSeverities.Parse("3"));
        Assert.Equal(AuditSeverity.High, AuditSeverities.Parse("HIGH"));
    }
}
