using RedisHaLab.Topology;

namespace RedisHaLab.Samples.FrontDoorClient;

/// <summary>The keys the app writes, shard by shard: each shard's loop writes only keys the proxy sends to that shard.</summary>
internal static class SampleKeys
{
    /// <summary>
    /// Keys per shard, taken in turn at ten requests a second: a key comes round again after 6.4 s, when its last
    /// request (SET and GET, 2 s timeout each) has surely ended, so requests still waiting never read each other's value.
    /// </summary>
    public const int PerShard = 64;

    /// <summary>The name the front door is measured under as a whole when the app knows no shards.</summary>
    public const string WholeFrontDoor = "all";

    /// <summary><see cref="PerShard"/> keys wherever they land: <c>prefix:n</c>.</summary>
    public static string[] Any(string prefix) => [.. Enumerable.Range(0, PerShard).Select(n => $"{prefix}:{n}")];

    /// <summary>
    /// Each shard with its keys (<c>prefix:shard:n</c> for each n whose key the ring places there); without shards, the
    /// whole front door with any keys. The ring is twemproxy's as the lab computes it (<see cref="KetamaRing"/>), so a
    /// shard's keys are those the proxy sends there as it started: on an inventory that names servers by address a
    /// failover re-hashes them.
    /// </summary>
    public static IReadOnlyList<(string Shard, string[] Keys)> Of(FrontDoorSettings settings, string prefix)
    {
        if (settings.Shards.Count == 0)
        {
            return [(WholeFrontDoor, Any(prefix))];
        }
        var ring = new KetamaRing(settings.RingServers);
        return [.. settings.Shards.Select((shard, s) => (shard, Enumerable.Range(0, int.MaxValue)
            .Select(n => $"{prefix}:{shard}:{n}")
            .Where(key => ring.ServerOf(key) == s)
            .Take(PerShard)
            .ToArray()))];
    }
}
