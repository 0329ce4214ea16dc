namespace SpamTrace.Bounces.Parsing;

/// <summary>
/// What one failed recipient's report says, as the reason decision reads it: the diagnostic type is the
/// Diagnostic-Code's ("SMTP", "X-UNIX"; null reads as SMTP), the command the one the refusal answered (RCPT, DATA).
/// </summary>
public sealed record ReasonInput(string? Action, string? Status, string? Diagnostic, string? DiagnosticType, string? Command, string? ReplyCode);

/// <summary>
/// Decides a failed recipient's reason class the way sisimai does, so the classes mean what its users expect:
/// first the reasons whose evidence is specific (a status code that names them, or their phrase at the point
/// of the session where it means that reason), then any phrase, then what the status class and action imply.
/// </summary>
public static class ReasonRules
{
    /// <summary>Reasons tried first, in order: each must be shown by its code, or by its phrase where it applies.</summary>
    private static readonly string[] SpecificOrder =
    [
        "mailboxfull", "mesgtoobig", "exceedlimit", "suspend", "hasmoved", "norelaying", "authfailure", "userunknown",
        "filtered", "requireptr", "notcompliantrfc", "badreputation", "rejected", "hostunknown", "spamdetected", "speeding",
        "toomanyconn", "blocked",
    ];

    /// <summary>Reasons tried next, by phrase alone, when the status code names none or only a vague one.</summary>
    private static readonly string[] PhraseOrder =
    [
        "mailboxfull", "authfailure", "badreputation", "speeding", "spamdetected", "virusdetected", "policyviolation",
        "norelaying", "systemerror", "networkerror", "suspend", "contenterror", "systemfull", "notaccept", "expired",
        "securityerror", "mailererror",
    ];

    /// <summary>Status-code reasons too vague to stand when a phrase says more.</summary>
    private static readonly HashSet<string> Vague =
        ["undefined", "onhold", "systemerror", "securityerror", "expired", "suspend", "networkerror", "hostunknown", "userunknown"];

    private static readonly string[] PreData = ["CONN", "EHLO", "HELO", "MAIL", "RCPT"];

    public static string Decide(ReasonInput input, ReasonPhrases? phrases = null)
    {
        phrases ??= ReasonPhrases.Default;
        var status = input.Status?.Trim() ?? "";
        if (status.StartsWith("2.", StringComparison.Ordinal) || input.Action is "delivered" or "relayed" or "expanded")
        {
            return "delivered";
        }
        var text = input.Diagnostic?.ToLowerInvariant() ?? "";
        var type = string.IsNullOrEmpty(input.DiagnosticType) ? "SMTP" : input.DiagnosticType.ToUpperInvariant();
        var named = StatusReasons.For(status) ?? "";
        var ctx = new Context(phrases, status, named, text, input.Command ?? "", input.ReplyCode);

        if (type is "SMTP" or "")
        {
            foreach (var reason in SpecificOrder)
            {
                if (ctx.Shows(reason))
                {
                    return reason;
                }
            }
        }
        var other = Another(ctx, type, input.Action ?? "");
        if (other.Length > 0 && other != "undefined")
        {
            return other;
        }
        if (input.Action == "delayed")
        {
            return "expired";
        }
        if (phrases.Matches("vacation", text))
        {
            return "vacation";
        }
        return text.Length > 0 ? "onhold" : "undefined";
    }

    private static string Another(Context ctx, string type, string action)
    {
        var named = ctx.Named;
        if (named.Length > 0 && !Vague.Contains(named) && type == "SMTP")
        {
            return named;
        }
        foreach (var reason in PhraseOrder)
        {
            if (ctx.Phrases.Matches(reason, ctx.Text))
            {
                return reason;
            }
        }
        if (named.Length > 0)
        {
            return named;
        }
        if (ctx.Status.StartsWith("5.6", StringComparison.Ordinal) || ctx.Status.StartsWith("4.6", StringComparison.Ordinal))
        {
            return "contenterror";
        }
        if (ctx.Status.StartsWith("5.7", StringComparison.Ordinal) || ctx.Status.StartsWith("4.7", StringComparison.Ordinal))
        {
            return "securityerror";
        }
        if (type.StartsWith("X-UNIX", StringComparison.Ordinal))
        {
            return "mailererror";
        }
        if (IsSyntaxError(ctx))
        {
            return "syntaxerror";
        }
        if (action.StartsWith("delayed", StringComparison.Ordinal) || action.StartsWith("expired", StringComparison.Ordinal))
        {
            return "expired";
        }
        return ctx.Command is "EHLO" or "HELO" ? "blocked" : "";
    }

    /// <summary>A 501-504 reply ("syntax error in parameters") to a command that is not about the message.</summary>
    private static bool IsSyntaxError(Context ctx) =>
        ctx.ReplyCode is "501" or "502" or "503" or "504";

    private sealed record Context(ReasonPhrases Phrases, string Status, string Named, string Text, string Command, string? ReplyCode)
    {
        private bool Says(string reason) => Phrases.Matches(reason, Text);

        private bool BeforeData => PreData.Contains(Command);

        /// <summary>Whether the report shows <paramref name="reason"/> by evidence specific enough to decide.</summary>
        public bool Shows(string reason)
        {
            var hasStatus = Status.Length > 0;
            return reason switch
            {
                "mailboxfull" or "exceedlimit" => hasStatus && (Named == reason || Says(reason)),
                "mesgtoobig" => Named == "mesgtoobig" || (Named != "exceedlimit" && Status != "5.2.3" && Says(reason)),
                "suspend" => hasStatus && (ReplyCode == "525" || Says(reason)),
                "hasmoved" or "notcompliantrfc" or "badreputation" => Says(reason),
                "norelaying" => Command is not ("CONN" or "EHLO" or "HELO") && Says(reason),
                "authfailure" or "requireptr" or "toomanyconn" or "blocked" => Named == reason || Says(reason),
                "userunknown" => UserUnknown(),
                "filtered" => Filtered(),
                "rejected" => Rejected(),
                "hostunknown" => Named == "hostunknown" ? !Says("networkerror") : Says(reason),
                "spamdetected" => hasStatus && (Named == reason || (!BeforeData && Says(reason))),
                "speeding" => hasStatus && Says(reason),
                _ => false,
            };
        }

        /// <summary>
        /// "No such user" means the mailbox is unknown when the code says so (and no stronger phrase does) or when it
        /// answered RCPT; after DATA the same words come from a content filter.
        /// </summary>
        private bool UserUnknown()
        {
            if (Named == "suspend")
            {
                return false;
            }
            if (Named == "userunknown")
            {
                string[] stronger = ["norelaying", "blocked", "mailboxfull", "hasmoved", "rejected", "notaccept"];
                return !stronger.Any(Says);
            }
            return Command == "RCPT" && Says("userunknown");
        }

        private bool Filtered()
        {
            if (Named == "suspend")
            {
                return false;
            }
            if (Named == "filtered")
            {
                return Says("userunknown") || Says("filtered");
            }
            return !BeforeData && (Says("filtered") || Says("userunknown"));
        }

        /// <summary>A refused sender: at MAIL FROM, after DATA (unless the code names the mailbox), or under a vague code.</summary>
        private bool Rejected()
        {
            if (Named == "rejected")
            {
                return true;
            }
            return Command switch
            {
                "MAIL" => Says("rejected"),
                "DATA" => Named != "userunknown" && Says("rejected"),
                _ => Named is "" or "onhold" or "undefined" or "securityerror" or "systemerror" && Says("rejected"),
            };
        }
    }
}
