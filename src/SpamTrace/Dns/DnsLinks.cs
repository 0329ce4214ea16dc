namespace SpamTrace.Dns;

/// <summary>The provider pages findings point to.</summary>
public static class DnsLinks
{
    public const string SpamhausLookup = "https://check.spamhaus.org/";
    public const string MicrosoftSnds = "https://sendersupport.olc.protection.outlook.com/snds/";
    public const string MicrosoftJmrp = "https://sendersupport.olc.protection.outlook.com/snds/JMRP.aspx";
    public const string MicrosoftDelist = "https://sender.office.com/";
    public const string YahooSenderHub = "https://senders.yahooinc.com/";
    public const string GooglePostmaster = "https://postmaster.google.com/";
    public const string GmailGuidelines = "https://support.google.com/a/answer/81126";
    public const string DnswlRequest = "https://www.dnswl.org/?page_id=87";
    public const string Rfc7208 = "https://www.rfc-editor.org/rfc/rfc7208";
    public const string Rfc7489 = "https://www.rfc-editor.org/rfc/rfc7489";
    public const string Rfc6376 = "https://www.rfc-editor.org/rfc/rfc6376";
}
