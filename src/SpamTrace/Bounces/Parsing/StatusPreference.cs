namespace SpamTrace.Bounces.Parsing;

/// <summary>
/// Which enhanced status code to believe when the Status field and the remote server's reply disagree: the one
/// whose class matches the reply code, else the more specific (X.0.0 and 5.3.Z say little; 4.4.7 is a timeout
/// the MTA made up, not the server's answer).
/// </summary>
public static class StatusPreference
{
    public static string? Prefer(string? field, string? inReply, string? replyCode)
    {
        if (string.IsNullOrEmpty(field) || field.Length <= 4)
        {
            return string.IsNullOrEmpty(inReply) ? field : inReply;
        }
        if (string.IsNullOrEmpty(inReply) || inReply.Length <= 4)
        {
            return field;
        }
        var reply = string.IsNullOrEmpty(replyCode) ? '0' : replyCode[0];
        if (reply != '0' && field[0] != inReply[0])
        {
            if (reply == field[0])
            {
                return field;
            }
            if (reply == inReply[0])
            {
                return inReply;
            }
        }
        if (field == inReply)
        {
            return field;
        }
        var fieldZero = field.IndexOf(".0", StringComparison.Ordinal) > 0;
        var replyZero = inReply.IndexOf(".0", StringComparison.Ordinal) > 0;
        if (field.IndexOf(".0.0", StringComparison.Ordinal) > 0)
        {
            return inReply.IndexOf(".0.0", StringComparison.Ordinal) < 0 ? inReply : field;
        }
        if (fieldZero && !replyZero)
        {
            return inReply;
        }
        if (inReply.IndexOf(".0.0", StringComparison.Ordinal) > 0)
        {
            return field;
        }
        if (field == "4.4.7" || field.StartsWith("5.3.", StringComparison.Ordinal))
        {
            return inReply;
        }
        if (field == "5.1.1")
        {
            return replyZero ? field : inReply;
        }
        if (field == "5.1.3" && inReply.StartsWith("5.7.", StringComparison.Ordinal))
        {
            return inReply;
        }
        return field;
    }
}
