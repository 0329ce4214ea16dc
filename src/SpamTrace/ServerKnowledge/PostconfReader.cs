using SpamTrace.Queue;

namespace SpamTrace.ServerKnowledge;

/// <summary>
/// Asks the server's own Postfix: `postconf -c DIR -hx mydestination virtual_mailbox_domains virtual_alias_domains
/// relay_domains mynetworks` gives the effective values, defaults and $name expansions included, one per line.
/// </summary>
public static class PostconfReader
{
    /// <exception cref="ServerFactsException">postconf is missing or fails.</exception>
    public static ServerFacts Read(IProcessRunner runner, string? configDir)
    {
        var args = new List<string>();
        if (configDir is not null)
        {
            args.Add("-c");
            args.Add(configDir);
        }
        args.Add("-hx");
        args.AddRange(ServerFacts.Parameters);
        ProcessResult result;
        try
        {
            result = runner.Run("postconf", args);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            throw new ServerFactsException($"postconf could not be run: {e.Message}");
        }
        var where = configDir is null ? "postconf" : $"postconf -c {configDir}";
        if (result.ExitCode != 0)
        {
            throw new ServerFactsException($"{where} failed (exit {result.ExitCode}): {result.StandardError.Trim()}");
        }
        var lines = result.StandardOutput.Split('\n');
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < ServerFacts.Parameters.Length && i < lines.Length; i++)
        {
            values[ServerFacts.Parameters[i]] = lines[i].TrimEnd('\r');
        }
        var facts = new ServerFacts(where);
        PostfixLists.Apply(facts, values, configDir);
        return facts;
    }

    /// <summary>The server's own configuration when postconf is installed, else none (diagnose then learns from the log alone).</summary>
    public static ServerFacts TryLocal(IProcessRunner runner)
    {
        try
        {
            return Read(runner, null);
        }
        catch (ServerFactsException)
        {
            return ServerFacts.None;
        }
    }
}

/// <summary>The configuration could not be read; the message names what and why.</summary>
public sealed class ServerFactsException(string message) : Exception(message);
