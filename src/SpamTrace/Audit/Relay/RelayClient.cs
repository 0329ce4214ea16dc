using System.Net;

namespace SpamTrace.Audit.Relay;

public enum ClientKind
{
    Internet,
    InternetWithAuth,
    MyNetworks,
    Loopback,
}

/// <summary>A client the simulation tries: where it connects from and whether it authenticated.</summary>
public sealed record RelayClient(ClientKind Kind, IPAddress Address, bool Authenticated)
{
    public string Label => Kind switch
    {
        ClientKind.Internet => "Internet, no AUTH",
        ClientKind.InternetWithAuth => "Internet, AUTH",
        ClientKind.MyNetworks => $"mynetworks ({Address})",
        _ => "loopback",
    };

    /// <summary>Clients outside mynetworks pick their address: only wide map entries are taken to cover them.</summary>
    public bool IsInternet => Kind is ClientKind.Internet or ClientKind.InternetWithAuth;
}
