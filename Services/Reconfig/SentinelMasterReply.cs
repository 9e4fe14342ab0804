using System.Globalization;

namespace RedisHaLab.Reconfig;

/// <summary>Reads the fields of a <c>SENTINEL MASTER &lt;name&gt;</c> reply that the service acts on.</summary>
internal static class SentinelMasterReply
{
    /// <summary>
    /// The answer <paramref name="fields"/> make: <c>ip</c> (a container name with <c>announce-hostnames</c>),
    /// <c>port</c> and <c>config-epoch</c>. A reply without a usable address or epoch is no answer.
    /// </summary>
    public static SentinelAnswer Read(string sentinel, IReadOnlyDictionary<string, string> fields)
    {
        if (!fields.TryGetValue("ip", out var host) || string.IsNullOrWhiteSpace(host) ||
            !fields.TryGetValue("port", out var portText) ||
            !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return SentinelAnswer.Unreachable(sentinel, "its SENTINEL MASTER reply has no usable ip and port");
        }
        if (!fields.TryGetValue("config-epoch", out var epochText) ||
            !long.TryParse(epochText, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
        {
            return SentinelAnswer.Unreachable(sentinel, "its SENTINEL MASTER reply has no config-epoch");
        }
        return SentinelAnswer.Named(sentinel, new MasterAddress(host, port), epoch);
    }
}
