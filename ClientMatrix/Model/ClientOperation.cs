using System.Text.Json;
using System.Text.Json.Serialization;

namespace RedisHaLab.ClientMatrix;

/// <summary>
/// One operation of a matrix client, as the client prints it: one JSON object per line on standard output. This is the
/// whole contract between a client and the matrix (any program may print it, e.g. ClientMatrix/redis-cli/client.sh).
/// </summary>
/// <param name="Op"><c>set</c> or <c>get</c>.</param>
/// <param name="Key">The key.</param>
/// <param name="Seq">For a SET, the value written: the client's operation counter, rising. For a GET, the SET's it followed.</param>
/// <param name="Start">When the operation was sent, in Unix milliseconds.</param>
/// <param name="End">When it ended, in Unix milliseconds; null when it had not ended as the client stopped (hung).</param>
/// <param name="Ok">True when the server answered without an error (a GET of a missing key too).</param>
/// <param name="Value">For a GET that succeeded: what it read (null when the key was missing).</param>
/// <param name="Error">Why it failed, when it did.</param>
public sealed record ClientOperation(
    [property: JsonPropertyName("op")] string Op,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("seq")] long Seq,
    [property: JsonPropertyName("start")] double Start,
    [property: JsonPropertyName("end")] double? End,
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("value")] string? Value = null,
    [property: JsonPropertyName("error")] string? Error = null)
{
    /// <summary>The operation as one line.</summary>
    public string ToLine() => JsonSerializer.Serialize(this);

    /// <summary>An operation from one line, or null when the line is not one (a client's other output).</summary>
    public static ClientOperation? FromLine(string line)
    {
        if (!line.StartsWith('{'))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<ClientOperation>(line);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
