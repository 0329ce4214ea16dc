namespace SpamTrace.Audit.Checks;

/// <summary>
/// What the audit reads from the machine beside the Postfix config: PHP, PHP-FPM, amavis and Dovecot config files,
/// web server accounts, certificate and map files, and the clock. Tests give their own.
/// </summary>
public interface IAuditHost
{
    IReadOnlyList<string> PhpIniFiles { get; }
    IReadOnlyList<string> PhpFpmPoolFiles { get; }
    IReadOnlyList<string> AmavisFiles { get; }
    IReadOnlyList<string> DovecotFiles { get; }
    /// <summary>Accounts web servers and PHP run as on this machine (www-data, apache, nginx...).</summary>
    IReadOnlyList<string> WebServerUsers { get; }
    DateTimeOffset Now { get; }
    /// <summary>This machine's own addresses: a /32 of one of them in mynetworks trusts nobody else.</summary>
    IReadOnlyList<System.Net.IPAddress> OwnAddresses { get; }
    /// <summary>The file's text, or null when it is absent or unreadable.</summary>
    string? ReadText(string path);
}
