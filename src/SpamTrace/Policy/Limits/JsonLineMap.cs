using System.Text.Json;

namespace SpamTrace.Policy.Limits;

/// <summary>
/// Remembers the line of every property and array element of a JSON document, by path ("limits[1].windows[0]"),
/// so that a semantic error found after parsing can still name the line it comes from.
/// </summary>
internal sealed class JsonLineMap
{
    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);

    public static JsonLineMap Build(ReadOnlySpan<byte> utf8, JsonReaderOptions options)
    {
        var map = new JsonLineMap();
        var newlines = new List<long>();
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\n')
            {
                newlines.Add(i);
            }
        }
        int LineOf(long offset)
        {
            var index = newlines.BinarySearch(offset);
            return (index < 0 ? ~index : index) + 1;
        }

        // Stack of containers: the path of each and, for arrays, the next element index.
        var stack = new Stack<(string Path, bool IsArray, int Next)>();
        string? pendingProperty = null;
        var reader = new Utf8JsonReader(utf8, options);
        while (reader.Read())
        {
            var line = LineOf(reader.TokenStartIndex);
            string ValuePath()
            {
                if (stack.Count == 0)
                {
                    return "";
                }
                var (path, isArray, next) = stack.Pop();
                string result;
                if (isArray)
                {
                    result = $"{path}[{next}]";
                    stack.Push((path, true, next + 1));
                }
                else
                {
                    result = pendingProperty ?? path;
                    stack.Push((path, false, next));
                }
                return result;
            }
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    var parent = stack.Count == 0 ? "" : stack.Peek().Path;
                    var name = reader.GetString() ?? "";
                    pendingProperty = parent.Length == 0 ? name : $"{parent}.{name}";
                    map._lines[pendingProperty] = line;
                    break;
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    var containerPath = ValuePath();
                    map._lines.TryAdd(containerPath, line);
                    stack.Push((containerPath, reader.TokenType == JsonTokenType.StartArray, 0));
                    pendingProperty = null;
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    stack.Pop();
                    break;
                default:
                    map._lines.TryAdd(ValuePath(), line);
                    pendingProperty = null;
                    break;
            }
        }
        return map;
    }

    public int LineOf(string path)
    {
        while (true)
        {
            if (_lines.TryGetValue(path, out var line))
            {
                return line;
            }
            var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            if (cut <= 0)
            {
                return 1;
            }
            path = path[..cut];
        }
    }
}
