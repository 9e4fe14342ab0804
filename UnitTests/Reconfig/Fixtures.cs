using RedisHaLab.Reconfig;
using RedisHaLab.Topology;

namespace RedisHaLab.UnitTests.Reconfig;

/// <summary>Inventories and addresses shared by the reconfig tests.</summary>
internal static class Fixtures
{
    /// <summary>The post's lab: shards g1 and g2, servers named after their shard.</summary>
    public static Inventory PostLab { get; } = InventoryLoader.Load(InventoryPath("post-2016.yml"));

    /// <summary>The post's lab with the post's unnamed servers (<c>server_names: address</c>).</summary>
    public static Inventory PostLabWithUnnamedServers { get; } = InventoryLoader.Parse(
        File.ReadAllText(InventoryPath("post-2016.yml")).Replace("server_names: shard", "server_names: address"), "post-2016-address.yml");

    /// <summary>Five Sentinels, three shards of three instances.</summary>
    public static Inventory ThreeShards { get; } = InventoryLoader.Load(InventoryPath("three-shards.yml"));

    /// <summary>Sentinel's name for shard g1 of the post's lab.</summary>
    public const string G1 = "redis_14555_g1_4500";

    /// <summary>Sentinel's name for shard g2 of the post's lab.</summary>
    public const string G2 = "redis_14555_g2_4501";

    /// <summary>The shard Sentinel monitors as <paramref name="sentinelName"/> in <paramref name="inventory"/>.</summary>
    public static Shard ShardNamed(Inventory inventory, string sentinelName) =>
        inventory.FindShardBySentinelName(sentinelName) ?? throw new ArgumentException($"no shard is monitored as {sentinelName}", nameof(sentinelName));

    /// <summary>Parses <c>host:port</c>.</summary>
    public static MasterAddress At(string address)
    {
        var colon = address.LastIndexOf(':');
        return new MasterAddress(address[..colon], int.Parse(address[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string InventoryPath(string file) => Path.Combine(TestContext.CurrentContext.TestDirectory, "inventories", file);
}
