namespace RedisHaLab.Topology;

/// <summary>Key names of one shard, in order: <c>prefix:n</c> for each n whose key the ring sends there.</summary>
public sealed class ShardKeys(KetamaRing ring, int shard, string prefix)
{
    private long _next;

    /// <summary>The shard's index in the inventory.</summary>
    public int Shard => shard;

    /// <summary>The next key of this shard (about one name in as many as there are shards is).</summary>
    public string Next()
    {
        while (true)
        {
            var key = $"{prefix}:{_next++}";
            if (ring.ServerOf(key) == shard)
            {
                return key;
            }
        }
    }
}
