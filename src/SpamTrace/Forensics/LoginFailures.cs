using SpamTrace.Common;

namespace SpamTrace.Forensics;

/// <summary>Failed logins naming one login: how many, when, and from how many IPs.</summary>
public sealed class LoginFailures
{
    public AuthFailureStats Stats { get; } = new();
    public BoundedSet Ips { get; } = new(1_000);

    public void Add(DateTime utc, string? ip, int count)
    {
        Stats.Add(utc, count);
        Ips.Add(ip);
    }
}
