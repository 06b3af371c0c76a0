using System.Text;
using System.Text.Json;

namespace QiboAccel.Safety;

/// <summary>
/// Parses user JSON (noise models, manifests) with the nesting depth bounded by <see cref="InputLimits.JsonDepth"/>:
/// a first pass measures the depth, so a deeper document is refused with the limit's message instead of the
/// parser's own wording.
/// </summary>
internal static class JsonInput
{
    /// <summary>The parsed document; <see cref="LimitExceededException"/> when too deep, <see cref="JsonException"/> when malformed.</summary>
    public static JsonDocument Parse(string json, string source, bool lenient)
    {
        long limit = InputLimits.JsonDepth.Value;
        byte[] utf8 = Encoding.UTF8.GetBytes(json);
        var scanOptions = new JsonReaderOptions
        {
            CommentHandling = lenient ? JsonCommentHandling.Skip : JsonCommentHandling.Disallow,
            AllowTrailingCommas = lenient,
            MaxDepth = (int)Math.Min(limit + 1, 1 << 20),
        };
        var reader = new Utf8JsonReader(utf8, scanOptions);
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth >= limit && reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
                {
                    throw InputLimits.JsonDepth.Exceeded($"{source}: the JSON nests deeper than {limit} levels (at byte {reader.TokenStartIndex})");
                }
            }
        }
        catch (JsonException)
        {
            // Reported with its position by the real parse below.
        }
        return JsonDocument.Parse(utf8, new JsonDocumentOptions
        {
            CommentHandling = scanOptions.CommentHandling,
            AllowTrailingCommas = lenient,
            MaxDepth = scanOptions.MaxDepth,
        });
    }
}
