namespace RedisHaLab.Samples.FrontDoorClient;

/// <summary>The connection strings and the shard list the AppHost hands this app.</summary>
/// <param name="FrontDoor">The proxy's front door, in StackExchange.Redis form (proxy=Twemproxy, and the password on a lab with one).</param>
/// <param name="Sentinels">The Sentinels of one shard with its service name, or null when the AppHost gave none.</param>
/// <param name="Shards">The shards behind the front door in the proxy's ring order, or empty when the AppHost named none.</param>
/// <param name="RingServers">The names the proxy's ketama ring hashes those shards by, in the same order.</param>
/// <param name="SentinelShard">The name of the shard <paramref name="Sentinels"/> watch, or null.</param>
/// <param name="Addresses">
/// The lab's address map (<c>name:port=address:port,...</c>), or null: with it and <paramref name="Sentinels"/>, the app
/// also measures that shard straight through its Sentinels, as a Sentinel-aware application would.
/// </param>
internal sealed record FrontDoorSettings(string FrontDoor, string? Sentinels, IReadOnlyList<string> Shards, IReadOnlyList<string> RingServers,
    string? SentinelShard = null, string? Addresses = null)
{
    /// <summary>The connection name of the front door.</summary>
    public const string FrontDoorConnection = "front-door";

    /// <summary>The connection name of the shard whose Sentinels the app asks who its master is (the AppHost gives the first shard).</summary>
    public const string ShardConnection = "shard";

    /// <summary>The configuration key of the shard names, comma-separated (<c>LAB__SHARDS=g1,g2</c> from the AppHost).</summary>
    public const string ShardsKey = "Lab:Shards";

    /// <summary>
    /// The configuration key of the ring's server names, comma-separated (<c>LAB__RING</c>); without it the shard names
    /// are the ring's, as when the inventory names servers by shard.
    /// </summary>
    public const string RingKey = "Lab:Ring";

    /// <summary>The configuration key of the shard whose Sentinels the app gets (<c>LAB__SENTINELSHARD</c>).</summary>
    public const string SentinelShardKey = "Lab:SentinelShard";

    /// <summary>The configuration key of the lab's address map (<c>LAB__ADDRESSES</c>, <see cref="RedisHaLab.Clients.LabAddressTunnel"/>).</summary>
    public const string AddressesKey = "Lab:Addresses";
}
