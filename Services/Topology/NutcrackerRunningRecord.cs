using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace RedisHaLab.Topology;

/// <summary>
/// The proxy supervisor's record of what runs (<see cref="ProxyInstance.RunningRecordFileName"/>,
/// <c>redis_14555.running.json</c>), written after each nutcracker it started accepts connections:
/// <c>{"config_sha256":"…","pid":123,"accepting_since_unix_ms":1764957600123}</c>. The reconfig service confirms an
/// apply by comparing the hash of the config it wanted with <see cref="ConfigSha256"/>; it reads the running YAML
/// beside it only when the record names a config whose content it does not know.
/// </summary>
/// <param name="ConfigSha256">SHA-256 of the running config file's bytes (UTF-8, no BOM), 64 lower-case hex digits.</param>
/// <param name="Pid">nutcracker's process ID in the proxy's container; 0 while it is being started again on that config.</param>
/// <param name="AcceptingSinceUnixMs">When that process began accepting connections, in milliseconds since 1970 (UTC).</param>
public sealed record NutcrackerRunningRecord(string ConfigSha256, int Pid, long AcceptingSinceUnixMs)
{
    private static readonly UTF8Encoding Utf8WithoutBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>The hash the supervisor records for a config file holding <paramref name="configText"/>.</summary>
    public static string Sha256Of(string configText) => Convert.ToHexStringLower(SHA256.HashData(Utf8WithoutBom.GetBytes(configText)));

    /// <summary>True when the record says nutcracker runs <paramref name="configText"/>.</summary>
    public bool Runs(string configText) => ConfigSha256 == Sha256Of(configText);

    /// <summary>The record as the supervisor writes it (one line, its field order): what the unit tests hold its writer to.</summary>
    public string Render() => string.Create(CultureInfo.InvariantCulture,
        $"{{\"config_sha256\":\"{ConfigSha256}\",\"pid\":{Pid},\"accepting_since_unix_ms\":{AcceptingSinceUnixMs}}}\n");

    /// <summary>Reads a record.</summary>
    /// <exception cref="FormatException">Not JSON, a field missing or of the wrong kind, or a hash that is not 64 lower-case hex digits.</exception>
    public static NutcrackerRunningRecord Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("the running record is not a JSON object");
            }
            var hash = Field(root, "config_sha256", JsonValueKind.String).GetString()!;
            if (hash.Length != 64 || !hash.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f'))
            {
                throw new FormatException($"the running record's config_sha256 '{hash}' is not 64 lower-case hex digits");
            }
            return new NutcrackerRunningRecord(hash, Field(root, "pid", JsonValueKind.Number).GetInt32(),
                Field(root, "accepting_since_unix_ms", JsonValueKind.Number).GetInt64());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new FormatException($"the running record cannot be read: {e.Message}", e);
        }
    }

    private static JsonElement Field(JsonElement root, string name, JsonValueKind kind) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == kind
            ? value
            : throw new FormatException($"the running record has no {name} ({kind.ToString().ToLowerInvariant()})");
}
