namespace SpamTrace.Bench.LogGen;

/// <summary>The people and machines a small hosting company's mail server talks to.</summary>
internal sealed class Population
{
    private static readonly string[] FirstNames = ["anna", "ben", "chloe", "david", "emma", "felix", "giulia", "hugo", "ines", "jonas", "karin", "leo", "maria", "nils", "olga", "paul", "rosa", "sven", "tina", "uwe"];
    private static readonly string[] LastNames = ["meyer", "schmidt", "rossi", "dupont", "garcia", "novak", "jensen", "weber", "fischer", "martin"];
    private static readonly string[] FreeMail = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "gmx.de", "web.de", "orange.fr", "aol.com", "icloud.com", "yahoo.co.uk"];
    public static readonly string[] LocalDomains = ["example.com", "example.net", "shop.example.org"];

    private readonly Random _random;

    public Population(Random random)
    {
        _random = random;
        LocalUsers = Enumerable.Range(0, 240)
            .Select(i => $"{FirstNames[i % FirstNames.Length]}.{LastNames[i / FirstNames.Length % LastNames.Length]}{(i >= 200 ? i.ToString(System.Globalization.CultureInfo.InvariantCulture) : "")}@{LocalDomains[i % LocalDomains.Length]}")
            .ToArray();
        RemoteDomains = Enumerable.Range(0, 400).Select(i => $"{Word()}{Word()}.{(i % 5 == 0 ? "de" : i % 7 == 0 ? "fr" : "com")}").Concat(FreeMail).ToArray();
        RemoteServers = Enumerable.Range(0, 1500).Select(_ => (Name: $"mail{_random.Next(1, 40)}.{RemoteDomains[_random.Next(RemoteDomains.Length)]}", Ip: PublicIp())).ToArray();
        BotnetIps = Enumerable.Range(0, 700).Select(_ => PublicIp()).ToArray();
    }

    public string[] LocalUsers { get; }
    public string[] RemoteDomains { get; }
    public (string Name, string Ip)[] RemoteServers { get; }
    /// <summary>Addresses that guess passwords, and that use the stolen one during the incident.</summary>
    public string[] BotnetIps { get; }

    public string LocalUser() => LocalUsers[_random.Next(LocalUsers.Length)];

    public string RemoteAddress()
    {
        var domain = _random.Next(3) == 0 ? FreeMail[_random.Next(FreeMail.Length)] : RemoteDomains[_random.Next(RemoteDomains.Length)];
        return $"{FirstNames[_random.Next(FirstNames.Length)]}{(_random.Next(2) == 0 ? "." + LastNames[_random.Next(LastNames.Length)] : _random.Next(100).ToString(System.Globalization.CultureInfo.InvariantCulture))}@{domain}";
    }

    public (string Name, string Ip) RemoteServer() => RemoteServers[_random.Next(RemoteServers.Length)];

    public string PublicIp()
    {
        while (true)
        {
            var a = _random.Next(1, 224);
            if (a is 10 or 127 or 172 or 192 or 169 or 100)
            {
                continue;
            }
            return $"{a}.{_random.Next(256)}.{_random.Next(256)}.{_random.Next(1, 255)}";
        }
    }

    public string Word()
    {
        const string letters = "abcdefghiklmnoprstuvwyz";
        var length = _random.Next(3, 7);
        return string.Create(length, _random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = letters[r.Next(letters.Length)];
            }
        });
    }

    public string Hex(int length) => string.Create(length, _random, (span, r) =>
    {
        const string digits = "0123456789abcdef";
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = digits[r.Next(16)];
        }
    });

    public string Base64ish(int length) => string.Create(length, _random, (span, r) =>
    {
        const string digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = digits[r.Next(digits.Length)];
        }
    });
}
