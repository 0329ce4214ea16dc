using System.Text.Json;

namespace SpamTrace.Lab.Tests.Infrastructure;

/// <summary>A scenario's manifest (lab/README.md, schema spamtrace-lab-manifest/1): what it did, for comparison.</summary>
public sealed record LabManifest(
    string Scenario,
    long Seed,
    bool ContentFilter,
    string FilterMode,
    List<LabCulprit> ExpectedCulprits,
    List<LabOrigin> LegitimateSenders,
    List<LabAuthFailure> AuthFailures,
    List<LabMessage> Messages,
    List<LabRejection> Rejections,
    List<string>? HeldQueueIds,
    JsonElement Params,
    bool Settled)
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public static LabManifest Load(string path) =>
        JsonSerializer.Deserialize<LabManifest>(File.ReadAllText(path), Options)
        ?? throw new InvalidDataException("empty manifest " + path);

    public IEnumerable<LabMessage> Accepted => Messages.Where(m => m.Accepted);

    public string Param(string name) => Params.GetProperty(name).ToString();
}

public sealed record LabCulprit(string Kind, string? User, int? Uid, string? Script, List<string>? ClientIps, string? Domain);

public sealed record LabOrigin(string Kind, string? User, string? ClientIp, int? Uid, string? Script, string? Program);

public sealed record LabAuthFailure(string User, string ClientIp, int SwaksExit);

public sealed record LabRecipient(string Address, string Expected, string? Sink, string? Reply);

public sealed record LabBounceTarget(string Address, string? Expected);

public sealed record LabRejection(string ClientIp, string Server, string Recipient, string Expected, string? Reply);

public sealed record LabMessage(
    string Role,
    LabOrigin Origin,
    string Sender,
    string MessageId,
    string? Subject,
    string? Server,
    bool Filtered,
    bool Accepted,
    string? QueueId,
    string? Reply,
    List<LabRecipient> Recipients,
    LabBounceTarget? ExpectedBounceTo,
    bool? FilterTempfail,
    bool? FilterBlocked,
    List<string>? ExpectedNotifications)
{
    public override string ToString() => $"{Role} {MessageId} queue_id={QueueId} from {Origin.Kind}:{Origin.User ?? Origin.ClientIp}";
}
