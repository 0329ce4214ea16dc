using System.Text.Json;

namespace SpamTrace.Containment;

/// <summary>One culprit of a diagnose verdict: kind sasl|local|relay|bounce|forward and its key (user, uid, client IP, empty).</summary>
public sealed record Culprit(string Kind, string Key);

/// <summary>
/// Reads only <c>culprits[].kind</c> and <c>culprits[].key</c> from <c>spamtrace diagnose --json</c>: the rest of
/// the schema belongs to diagnose and may grow.
/// </summary>
public static class DiagnoseVerdictReader
{
    public static readonly string[] Kinds = ["sasl", "local", "relay", "bounce", "forward"];

    public static List<Culprit> Read(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new ContainmentException($"{source}:{(ex.LineNumber ?? 0) + 1}: not valid JSON ({ex.Message})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("culprits", out var culprits) || culprits.ValueKind != JsonValueKind.Array)
            {
                throw new ContainmentException($"{source}: no culprits[] array: is this `spamtrace diagnose --json` output?");
            }
            var list = new List<Culprit>();
            var index = 0;
            foreach (var culprit in culprits.EnumerateArray())
            {
                var kind = culprit.ValueKind == JsonValueKind.Object && culprit.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString()! : null;
                var key = culprit.ValueKind == JsonValueKind.Object && culprit.TryGetProperty("key", out var v)
                    ? v.ValueKind switch { JsonValueKind.String => v.GetString()!, JsonValueKind.Number => v.GetRawText(), _ => "" }
                    : "";
                if (kind is null || !Kinds.Contains(kind))
                {
                    throw new ContainmentException($"{source}: culprits[{index}].kind is '{kind}', expected one of {string.Join(", ", Kinds)}");
                }
                list.Add(new Culprit(kind, key));
                index++;
            }
            return list;
        }
    }
}
