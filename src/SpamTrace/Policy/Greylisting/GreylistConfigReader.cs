using System.Text.Json;
using SpamTrace.Policy.Greylisting;
using SpamTrace.Policy.Greylisting.Whitelists;

namespace SpamTrace.Policy.Limits;

/// <summary>The "greylist" section, read with the loader's accessors so its errors name the file and line too.</summary>
public sealed partial class PolicyConfigLoader
{
    private GreylistConfig ReadGreylist(JsonElement g, string file)
    {
        Known(g, "greylist", "enabled", "mode", "delay", "retryWindow", "maxAge", "autoWhitelist", "prefixV4", "prefixV6",
            "action", "text", "mynetworks", "whitelistClients", "whitelistRecipients", "spfPools", "foldSrs", "logPasses", "maxTriplets");
        var defaults = new GreylistConfig();
        if (g.ValueKind != JsonValueKind.Object)
        {
            return defaults;
        }
        var modeText = String(g, "greylist.mode", "enforce");
        var mode = modeText switch
        {
            "enforce" => GreylistMode.Enforce,
            "training" => GreylistMode.Training,
            _ => (GreylistMode?)null,
        };
        if (mode is null)
        {
            Error("greylist.mode", $"unknown mode '{modeText}' (enforce, training)");
        }
        var action = String(g, "greylist.action", defaults.Action).Trim().ToUpperInvariant();
        var isCode = action.Length == 3 && action[0] == '4' && action.All(char.IsAsciiDigit);
        if (!isCode && action is not ("DEFER_IF_PERMIT" or "DEFER"))
        {
            Error("greylist.action", $"'{action}' is not a temporary refusal (DEFER_IF_PERMIT, DEFER or a 4NN code)");
        }
        var text = String(g, "greylist.text", defaults.Text);
        if (text.Length == 0 || text.Any(char.IsControl))
        {
            Error("greylist.text", "must be one line of text");
        }
        var mynetworks = NetworkList.Loopback();
        if (g.TryGetProperty("mynetworks", out _))
        {
            mynetworks = new NetworkList();
            foreach (var (entry, path) in Strings(g, "mynetworks", "greylist"))
            {
                if (!mynetworks.TryAdd(entry))
                {
                    Error(path, $"'{entry}' is not an address or network like 192.0.2.0/24 or [2001:db8::]/32");
                }
            }
        }
        var clientFiles = Strings(g, "whitelistClients", "greylist").Select(f => RelativeTo(file, f.Value)).ToList();
        var recipientFiles = Strings(g, "whitelistRecipients", "greylist").Select(f => RelativeTo(file, f.Value)).ToList();
        // A whitelist file's errors name that file and its line, as postgrey's warnings do.
        var clients = ClientWhitelist.Load(clientFiles, _errors);
        var recipients = RecipientWhitelist.Load(recipientFiles, _errors);
        var spf = Object(g, "spfPools");
        Known(spf, "greylist.spfPools", "enabled", "timeoutMs", "dns");
        var dns = OptionalString(spf, "greylist.spfPools.dns");
        if (dns is not null)
        {
            CheckEndpoint(dns, "greylist.spfPools.dns");
        }
        var delay = DurationValue(g, "greylist.delay", defaults.Delay);
        var retryWindow = DurationValue(g, "greylist.retryWindow", defaults.RetryWindow);
        var maxAge = DurationValue(g, "greylist.maxAge", defaults.MaxAge);
        if (retryWindow <= delay)
        {
            Error("greylist.retryWindow", $"must be longer than the delay ({Duration.Format(delay)}): no retry could ever pass");
        }
        if (maxAge < retryWindow)
        {
            Error("greylist.maxAge", $"must be at least the retry window ({Duration.Format(retryWindow)})");
        }
        return new GreylistConfig
        {
            Enabled = Bool(g, "greylist.enabled", true),
            Mode = mode ?? GreylistMode.Enforce,
            Delay = delay,
            RetryWindow = retryWindow,
            MaxAge = maxAge,
            AutoWhitelist = Int(g, "greylist.autoWhitelist", defaults.AutoWhitelist, 0, 1000),
            PrefixV4 = Int(g, "greylist.prefixV4", defaults.PrefixV4, 8, 32),
            PrefixV6 = Int(g, "greylist.prefixV6", defaults.PrefixV6, 16, 128),
            Action = action,
            Text = text,
            MyNetworks = mynetworks,
            WhitelistClientFiles = clientFiles,
            WhitelistRecipientFiles = recipientFiles,
            Clients = clients,
            Recipients = recipients,
            SpfPools = Bool(spf, "greylist.spfPools.enabled", defaults.SpfPools),
            SpfTimeout = TimeSpan.FromMilliseconds(Int(spf, "greylist.spfPools.timeoutMs", (int)defaults.SpfTimeout.TotalMilliseconds, 10, 30_000)),
            SpfDns = dns,
            FoldSrs = Bool(g, "greylist.foldSrs", defaults.FoldSrs),
            LogPasses = Bool(g, "greylist.logPasses", defaults.LogPasses),
            MaxTriplets = Int(g, "greylist.maxTriplets", defaults.MaxTriplets, 1000, 100_000_000),
        };
    }
}
