using SpamTrace.Audit;
using SpamTrace.Audit.Checks;
using SpamTrace.Forensics;

namespace SpamTrace.Tests.Audit;

public sealed class AuditHintsTests
{
    [Theory]
    [InlineData(CulpritKind.Relay, "relay.open")]
    [InlineData(CulpritKind.Sasl, "submission.no-sender-login-check")]
    [InlineData(CulpritKind.Local, "local.php-no-x-header")]
    [InlineData(CulpritKind.Bounce, "backscatter.relay-no-recipient-maps")]
    public void Each_culprit_kind_points_to_findings_the_audit_has(CulpritKind kind, string expected)
    {
        var ids = AuditHints.For(kind);
        Assert.Contains(expected, ids);
        Assert.All(ids, id => Assert.Contains(ConfigChecks.All, c => c.Id == id));
        Assert.Contains($"run `spamtrace audit`", AuditHints.Advice(kind));
        Assert.Contains(expected, AuditHints.Advice(kind));
    }

    [Fact]
    public void Forwarding_has_no_audit_hint()
    {
        Assert.Null(AuditHints.Advice(CulpritKind.Forward));
    }
}
