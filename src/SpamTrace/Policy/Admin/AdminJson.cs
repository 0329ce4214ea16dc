using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpamTrace.Policy.Admin;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false)]
[JsonSerializable(typeof(AdminStatus))]
[JsonSerializable(typeof(AdminResult))]
internal sealed partial class AdminJson : JsonSerializerContext;

/// <summary>The admin socket protocol: one line "STATUS [N]", "BLOCK user" or "RELEASE user"; one JSON line back.</summary>
public static class AdminProtocol
{
    public static string Serialize(AdminStatus status) => JsonSerializer.Serialize(status, AdminJson.Default.AdminStatus);

    public static string Serialize(AdminResult result) => JsonSerializer.Serialize(result, AdminJson.Default.AdminResult);

    public static AdminStatus? ParseStatus(string json) => JsonSerializer.Deserialize(json, AdminJson.Default.AdminStatus);

    public static AdminResult? ParseResult(string json) => JsonSerializer.Deserialize(json, AdminJson.Default.AdminResult);
}
