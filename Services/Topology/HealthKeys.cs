using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace RedisHaLab.Topology;

/// <summary>A key a proxy health check writes and reads back, and the shard the proxy sends it to (null when unknown).</summary>
public sealed record HealthKey(string Key, string? Shard)
{
    /// <summary>What a verdict calls it: the shard when known, else the key.</summary>
    public string Label => Shard ?? Key;
}

/// <summary>
/// The keys a health check of the proxy (or of the balancer in front of the proxies) writes through it: one on every
/// shard, so that a shard routed to a dead or demoted master turns the check red, whichever shard that is.
/// </summary>
public static class HealthKeys
{
    /// <summary>How many keys stand in for "one per shard" when the lab cannot compute which shard a key goes to.</summary>
    public const int SpreadKeyCount = 32;

    /// <summary>How long a written health key lives: checks rewrite the same keys, and none outlives a stopped lab by long.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    /// <summary>
    /// One key per shard of <paramref name="inventory"/>, in shard order, each one the proxy's ketama ring (as it starts,
    /// <see cref="KetamaRing.For"/>) sends to that shard. <paramref name="owner"/> (the checked resource's name) keeps the
    /// keys of two checks apart, so that one check never reads back what another just wrote.
    /// </summary>
    /// <remarks>
    /// When the proxy hashes or distributes otherwise than fnv1a_64/ketama, the lab has no model of where a key goes:
    /// then <see cref="SpreadKeyCount"/> distinct keys with unknown shards, hashed tails so that they scatter over the
    /// servers (names differing only in their last characters land on neighbouring points): with two shards the chance
    /// that one of them gets none of 32 is 2^-31, with three about 2^-17. With <c>server_names: address</c>, the ring is
    /// the one at start: a failover renames the shard's server and moves its points, so after one a key may no longer be
    /// on the shard it is named after.
    /// </remarks>
    public static IReadOnlyList<HealthKey> PerShard(Inventory inventory, string owner)
    {
        var prefix = $"redis-ha-lab:health:{owner}";
        if (KetamaRing.For(inventory) is not { } ring)
        {
            return Enumerable.Range(0, SpreadKeyCount)
                .Select(i => new HealthKey($"{prefix}:{i.ToString(CultureInfo.InvariantCulture)}:{Tail($"{prefix}:{i}")}", null))
                .ToList();
        }
        return inventory.Shards.Select((shard, s) => new HealthKey(new ShardKeys(ring, s, $"{prefix}:{shard.Name}").Next(), shard.Name)).ToList();
    }

    /// <summary>
    /// Whether a key read back right after its write reaches the server the write reached. Not with
    /// <c>distribution: random</c>, where twemproxy picks a server per request: there the GET only has to be answered.
    /// </summary>
    public static bool ReadsBackWhatItWrote(Inventory inventory) => inventory.Proxy.Distribution != "random";

    private static string Tail(string seed) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed)))[..12];
}
