namespace SpamTrace.Audit.Config;

/// <summary>
/// The built-in defaults of Postfix 3.7 (postconf -d of Debian's 3.7.11, with the compatibility_level
/// expressions that make relay_domains, mynetworks_style and smtpd_relay_restrictions depend on the level),
/// for configs read without postconf. Host-dependent values come from <see cref="HostFacts"/>.
/// </summary>
public static class PostfixDefaults
{
    private static readonly Lazy<Dictionary<string, string>> Table = new(Load);

    public static IReadOnlyDictionary<string, string> Values => Table.Value;

    private static Dictionary<string, string> Load()
    {
        var asm = typeof(PostfixDefaults).Assembly;
        var name = asm.GetManifestResourceNames().Single(r => r.EndsWith("postfix-3.7-defaults.cf", StringComparison.Ordinal));
        using var stream = asm.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        var table = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            var eq = line.IndexOf(" = ", StringComparison.Ordinal);
            if (eq > 0)
            {
                table[line[..eq]] = line[(eq + 3)..];
            }
            else if (line.EndsWith(" =", StringComparison.Ordinal))
            {
                table[line[..^2]] = "";
            }
        }
        return table;
    }
}
