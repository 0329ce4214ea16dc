namespace SpamTrace.Containment;

/// <summary>Reads Postfix restriction lists ("permit_mynetworks, check_sasl_access hash:/etc/postfix/x, ...").</summary>
public static class RestrictionLists
{
    public static readonly string[] Parameters =
        ["smtpd_client_restrictions", "smtpd_helo_restrictions", "smtpd_sender_restrictions", "smtpd_relay_restrictions", "smtpd_recipient_restrictions"];

    public static List<string> Tokens(string value) =>
        value.Split([',', ' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries).ToList();

    /// <summary>The map a restriction like check_sasl_access uses in this list, as "type:path", or null.</summary>
    public static string? MapOf(string listValue, string restriction)
    {
        var tokens = Tokens(listValue);
        var at = tokens.IndexOf(restriction);
        return at >= 0 && at + 1 < tokens.Count ? tokens[at + 1] : null;
    }

    /// <summary>Map types whose source is a text file we can edit (postmap builds the others from it).</summary>
    public static bool IsFileMap(string type) => type is "hash" or "btree" or "lmdb" or "cdb" or "dbm" or "sdbm" or "texthash";

    public static (string Type, string Path)? SplitMap(string map)
    {
        var colon = map.IndexOf(':');
        if (colon <= 0) { return null; }
        var type = map[..colon];
        var path = map[(colon + 1)..];
        return IsFileMap(type) && path.StartsWith('/') ? (type, path) : null;
    }
}
