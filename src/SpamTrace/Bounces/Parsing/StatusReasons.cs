namespace SpamTrace.Bounces.Parsing;

/// <summary>
/// The reason an enhanced status code implies when the diagnostic text says nothing the reply table knows:
/// RFC 3463/7372/7505 codes and sisimai's pseudo codes (X.0.9NN), with the reasons sisimai gives them.
/// </summary>
public static class StatusReasons
{
    private static readonly Dictionary<string, string> Codes = new(StringComparer.Ordinal)
    {
        ["4.0.900"] = "undefined", ["4.0.901"] = "onhold", ["4.0.918"] = "rejected", ["4.0.922"] = "mailboxfull",
        ["4.0.924"] = "filtered", ["4.0.930"] = "systemerror", ["4.0.931"] = "systemfull", ["4.0.932"] = "notaccept",
        ["4.0.944"] = "networkerror", ["4.0.945"] = "toomanyconn", ["4.0.947"] = "expired", ["4.0.960"] = "contenterror",
        ["4.0.970"] = "securityerror", ["4.0.971"] = "blocked", ["4.0.980"] = "spamdetected", ["4.1.6"] = "hasmoved",
        ["4.1.7"] = "rejected", ["4.1.8"] = "rejected", ["4.1.9"] = "systemerror", ["4.2.1"] = "suspend",
        ["4.2.2"] = "mailboxfull", ["4.2.3"] = "exceedlimit", ["4.2.4"] = "filtered", ["4.3.1"] = "systemfull",
        ["4.3.2"] = "notaccept", ["4.3.3"] = "systemerror", ["4.3.5"] = "systemerror", ["4.4.1"] = "expired",
        ["4.4.2"] = "networkerror", ["4.4.4"] = "networkerror", ["4.4.5"] = "systemfull", ["4.4.6"] = "networkerror",
        ["4.4.7"] = "expired", ["4.5.3"] = "systemerror", ["4.5.5"] = "systemerror", ["4.6.0"] = "contenterror",
        ["4.6.2"] = "contenterror", ["4.6.5"] = "contenterror", ["4.7.1"] = "blocked", ["4.7.2"] = "blocked",
        ["4.7.5"] = "securityerror", ["4.7.6"] = "securityerror", ["4.7.7"] = "securityerror", ["4.7.12"] = "securityerror",
        ["4.7.15"] = "securityerror", ["4.7.16"] = "mesgtoobig", ["4.7.24"] = "securityerror", ["4.7.25"] = "blocked",
        ["5.0.900"] = "undefined", ["5.0.901"] = "onhold", ["5.0.902"] = "syntaxerror", ["5.0.909"] = "norelaying",
        ["5.0.910"] = "filtered", ["5.0.911"] = "userunknown", ["5.0.912"] = "hostunknown", ["5.0.916"] = "hasmoved",
        ["5.0.918"] = "rejected", ["5.0.921"] = "suspend", ["5.0.922"] = "mailboxfull", ["5.0.923"] = "exceedlimit",
        ["5.0.930"] = "systemerror", ["5.0.931"] = "systemfull", ["5.0.932"] = "notaccept", ["5.0.934"] = "mesgtoobig",
        ["5.0.939"] = "mailererror", ["5.0.944"] = "networkerror", ["5.0.945"] = "toomanyconn", ["5.0.947"] = "expired",
        ["5.0.960"] = "contenterror", ["5.0.970"] = "securityerror", ["5.0.971"] = "blocked", ["5.0.972"] = "policyviolation",
        ["5.0.980"] = "spamdetected", ["5.1.0"] = "userunknown", ["5.1.1"] = "userunknown", ["5.1.2"] = "hostunknown",
        ["5.1.3"] = "userunknown", ["5.1.4"] = "filtered", ["5.1.6"] = "hasmoved", ["5.1.7"] = "rejected",
        ["5.1.8"] = "rejected", ["5.1.9"] = "systemerror", ["5.1.10"] = "notaccept", ["5.2.0"] = "filtered",
        ["5.2.1"] = "filtered", ["5.2.2"] = "mailboxfull", ["5.2.3"] = "exceedlimit", ["5.2.4"] = "filtered",
        ["5.3.0"] = "systemerror", ["5.3.1"] = "systemfull", ["5.3.2"] = "notaccept", ["5.3.3"] = "systemerror",
        ["5.3.4"] = "mesgtoobig", ["5.3.5"] = "systemerror", ["5.4.0"] = "networkerror", ["5.4.3"] = "systemerror",
        ["5.4.4"] = "hostunknown", ["5.5.3"] = "toomanyconn", ["5.5.4"] = "systemerror", ["5.5.5"] = "systemerror",
        ["5.5.6"] = "securityerror", ["5.6.0"] = "contenterror", ["5.6.1"] = "contenterror", ["5.6.2"] = "contenterror",
        ["5.6.3"] = "contenterror", ["5.6.5"] = "contenterror", ["5.6.6"] = "contenterror", ["5.6.7"] = "contenterror",
        ["5.6.8"] = "contenterror", ["5.6.9"] = "contenterror", ["5.7.0"] = "securityerror", ["5.7.1"] = "securityerror",
        ["5.7.2"] = "securityerror", ["5.7.3"] = "securityerror", ["5.7.4"] = "securityerror", ["5.7.5"] = "securityerror",
        ["5.7.6"] = "securityerror", ["5.7.7"] = "securityerror", ["5.7.8"] = "securityerror", ["5.7.9"] = "securityerror",
        ["5.7.10"] = "securityerror", ["5.7.11"] = "securityerror", ["5.7.13"] = "suspend", ["5.7.14"] = "securityerror",
        ["5.7.15"] = "securityerror", ["5.7.16"] = "mesgtoobig", ["5.7.17"] = "hasmoved", ["5.7.18"] = "hasmoved",
        ["5.7.19"] = "securityerror", ["5.7.20"] = "securityerror", ["5.7.21"] = "securityerror", ["5.7.22"] = "securityerror",
        ["5.7.23"] = "securityerror", ["5.7.24"] = "securityerror", ["5.7.25"] = "blocked", ["5.7.26"] = "securityerror",
        ["5.7.27"] = "notaccept",
    };

    public static string? For(string? status) => string.IsNullOrWhiteSpace(status) ? null : Codes.GetValueOrDefault(status.Trim());
}
