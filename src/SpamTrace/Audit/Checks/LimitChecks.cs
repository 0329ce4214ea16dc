using SpamTrace.Audit.Findings;
using SpamTrace.Audit.Relay;

namespace SpamTrace.Audit.Checks;

/// <summary>Sending limits for authenticated users: the policy service, where it sits, anvil.</summary>
public static class LimitChecks
{
    /// <summary>The wiring of spamtrace's policy service (README, Policy service).</summary>
    public const string PolicyService = "check_policy_service { unix:private/spamtrace, timeout=5s, default_action=DUNNO }";

    public static readonly ConfigCheck NoPolicy = new("limits.no-policy-service", AuditSeverity.Medium,
        "No sending limit for authenticated users",
        "Without a policy service nothing stops a stolen login from sending tens of thousands of messages an hour until someone reads the log.",
        FindNoPolicy);

    public static readonly ConfigCheck PolicyAfterPermit = new("limits.policy-after-permit", AuditSeverity.High,
        "The policy query comes after a permit and never runs for those clients",
        "A permit ends the list: a per-user limit placed after permit_sasl_authenticated limits nobody who logs in.",
        FindAfterPermit);

    public static readonly ConfigCheck AnvilOff = new("limits.anvil-off", AuditSeverity.Low,
        "No per-client connection or message rate limit (anvil)",
        "smtpd_client_*_rate_limit at 0 lets one client open connections and send as fast as the server can take them.",
        FindAnvil);

    private static IEnumerable<CheckHit> FindNoPolicy(AuditContext ctx)
    {
        foreach (var s in ctx.Submission.Concat(ctx.Relay.Where(r => r.Port == 25 && r.AuthOffered)).Distinct())
        {
            if (!s.AuthOffered) { continue; }
            var lists = RestrictionEvaluator.Lists.Append("smtpd_end_of_data_restrictions").Append("smtpd_data_restrictions");
            if (lists.Any(l => ctx.Items(l, s.Service).Contains("check_policy_service"))) { continue; }
            yield return new CheckHit([ctx.Evidence("smtpd_recipient_restrictions", s.Service), ctx.Evidence("smtpd_end_of_data_restrictions", s.Service)])
            {
                Service = s.Service?.Name,
                Changes = [AuditContext.Main("smtpd_end_of_data_restrictions", PolicyService)],
                Note = $"Run `spamtrace policy serve` (README: Policy service) and put {PolicyService} first in smtpd_recipient_restrictions too (the -o override of each submission service); a policy service that is not running with default_action=DUNNO delays nothing.",
            };
        }
    }

    private static IEnumerable<CheckHit> FindAfterPermit(AuditContext ctx)
    {
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in ctx.Relay)
        {
            foreach (var list in RestrictionEvaluator.Lists.Append("smtpd_end_of_data_restrictions"))
            {
                var items = ctx.Items(list, s.Service);
                var policy = items.IndexOf("check_policy_service");
                if (policy <= 0) { continue; }
                var permit = items.Take(policy).Select((item, i) => (item, i)).FirstOrDefault(x => x.item is "permit" or "permit_sasl_authenticated" or "permit_mynetworks");
                if (permit.item is null) { continue; }
                var where = ctx.Config.WhereIs(list, s.Service);
                if (!reported.Add(where)) { continue; }
                var reordered = items.Where((_, i) => i != policy && i != policy + 1).ToList();
                reordered.InsertRange(permit.i, items.Skip(policy).Take(2));
                yield return new CheckHit([ctx.Evidence(list, s.Service), new AuditEvidence($"{list} #{permit.i + 1}", $"{permit.item} before check_policy_service at #{policy + 1}") { Service = s.Service?.Name, Parameter = list }])
                {
                    Service = s.Service?.Name,
                    Changes = [AuditContext.Master(s.Service?.OverrideOf(list) is null ? null : s.Service, list, RestrictionEvaluator.Join(reordered))],
                };
            }
        }
    }

    private static IEnumerable<CheckHit> FindAnvil(AuditContext ctx)
    {
        string[] names = ["smtpd_client_connection_rate_limit", "smtpd_client_message_rate_limit", "smtpd_client_recipient_rate_limit"];
        if (names.Any(n => ctx.Config.Get(n) is not ("0" or ""))) { yield break; }
        yield return new CheckHit(names.Select(n => ctx.Evidence(n)).ToList())
        {
            Changes = [AuditContext.Main("smtpd_client_connection_rate_limit", "60"), AuditContext.Main("smtpd_client_message_rate_limit", "300")],
            Note = "Clients in smtpd_client_event_limit_exceptions ($mynetworks by default) are exempt; authenticated users need the policy service's per-user limits instead.",
        };
    }
}
