using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpamTrace.Policy.Greylisting;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false)]
[JsonSerializable(typeof(GreylistExplanation))]
[JsonSerializable(typeof(GreylistStatus))]
internal sealed partial class GreylistJsonContext : JsonSerializerContext;

/// <summary>The admin socket's greylisting answers: "GREYLIST EXPLAIN query" gets one JSON line.</summary>
public static class GreylistJson
{
    public static string Serialize(GreylistExplanation explanation) => JsonSerializer.Serialize(explanation, GreylistJsonContext.Default.GreylistExplanation);

    public static GreylistExplanation? ParseExplanation(string json) => JsonSerializer.Deserialize(json, GreylistJsonContext.Default.GreylistExplanation);
}
