using SpamTrace.Queue;

namespace SpamTrace.Containment;

/// <summary>One <c>-o name=value</c> of a master.cf service, as <c>postconf -P</c> lists it (service/type/name = value).</summary>
public sealed record ServiceParameter(string Service, string Type, string Name, string Value)
{
    /// <summary>"submission/inet/smtpd_relay_restrictions": the key postconf -P reads and writes.</summary>
    public string Key => $"{Service}/{Type}/{Name}";

    /// <summary>"submission/inet": the service as master.cf names it.</summary>
    public string ServiceName => $"{Service}/{Type}";
}

/// <summary>master.cf through postconf: smtpd services (-M), their parameter overrides (-P), and setting one (-P, -PX).</summary>
public static class MasterCfOverrides
{
    /// <summary>Every -o override of every service; empty when postconf lists none.</summary>
    public static List<ServiceParameter> Read(PostfixInstance instance)
    {
        var run = instance.Runner.Run("postconf", instance.Args("-P"));
        if (run.ExitCode != 0)
        {
            throw new ContainmentException($"{instance.Display("postconf", "-P")}: exit {run.ExitCode}: {run.StandardError.Trim()}");
        }
        var list = new List<ServiceParameter>();
        foreach (var line in run.StandardOutput.Split('\n'))
        {
            if (Parse(line) is { } p)
            {
                list.Add(p);
            }
        }
        return list;
    }

    /// <summary>"service/type" of every master.cf service run by smtpd (postconf -M), in file order.</summary>
    public static List<string> SmtpdServices(PostfixInstance instance)
    {
        var run = instance.Runner.Run("postconf", instance.Args("-M"));
        if (run.ExitCode != 0)
        {
            return [];
        }
        var services = new List<string>();
        foreach (var line in run.StandardOutput.Split('\n'))
        {
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 8 && fields[7] == "smtpd")
            {
                services.Add($"{fields[0]}/{fields[1]}");
            }
        }
        return services;
    }

    public static string? Get(PostfixInstance instance, string key)
    {
        var run = instance.Runner.Run("postconf", instance.Args("-P", key));
        return run.ExitCode == 0 && Parse(run.StandardOutput.Split('\n')[0]) is { } p && p.Key == key ? p.Value : null;
    }

    /// <summary>postconf -P refuses whitespace in a value: restriction lists are written comma-separated.</summary>
    public static void Set(PostfixInstance instance, string key, string value)
    {
        var run = instance.Runner.Run("postconf", instance.Args("-P", $"{key}={value}"));
        if (run.ExitCode != 0)
        {
            throw new ContainmentException($"{instance.Display("postconf", "-P", $"{key}={value}")}: exit {run.ExitCode}: {run.StandardError.Trim()}");
        }
    }

    /// <summary>A restriction list in the form postconf -P accepts: its tokens joined by commas.</summary>
    public static string CommaList(string value) => string.Join(',', RestrictionLists.Tokens(value));

    public static ServiceParameter? Parse(string line)
    {
        var eq = line.IndexOf(" = ", StringComparison.Ordinal);
        if (eq <= 0)
        {
            return null;
        }
        var parts = line[..eq].Trim().Split('/');
        return parts.Length == 3 ? new ServiceParameter(parts[0], parts[1], parts[2], line[(eq + 3)..].TrimEnd('\r')) : null;
    }
}
