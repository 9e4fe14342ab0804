using System.Net;

namespace RedisHaLab.Topology;

/// <summary>A validated lab topology: nodes, the Redis shards and Sentinels on them, and the proxy in front.</summary>
/// <remarks>Only <see cref="InventoryLoader"/> builds one, so every instance here has passed validation.</remarks>
public sealed record Inventory(
    string SourceFile,
    IReadOnlyList<LabNode> Nodes,
    IReadOnlyList<Shard> Shards,
    IReadOnlyList<RedisSetting> RedisSettings,
    SentinelGroup Sentinels,
    ProxyInstance Proxy,
    LabAuthentication Authentication = LabAuthentication.None)
{
    /// <summary>Every Redis instance, masters first, in inventory order.</summary>
    public IEnumerable<RedisInstance> RedisInstances =>
        Shards.Select(s => s.Master).Concat(Shards.SelectMany(s => s.Replicas));

    /// <summary>Every container of the lab by name (its resource name too): Redis, Sentinels, the proxy and its reconfig service.</summary>
    public IReadOnlyList<string> ContainerNames =>
        [.. RedisInstances.Select(i => i.Name), .. Sentinels.Instances.Select(s => s.Name), Proxy.Name, Proxy.ReconfigName];

    /// <summary>The shard that Sentinel monitors under <paramref name="sentinelMasterName"/>, or null when the inventory has none.</summary>
    public Shard? FindShardBySentinelName(string sentinelMasterName) =>
        Shards.FirstOrDefault(s => s.SentinelMasterName == sentinelMasterName);
}

/// <summary>Whether the lab's servers ask for a password (<c>authentication:</c> in the inventory).</summary>
public enum LabAuthentication
{
    /// <summary><c>authentication: none</c>, the default and the post's lab: anyone who reaches a port may use it.</summary>
    None,

    /// <summary>
    /// <c>authentication: password</c>: every Redis, Sentinel and the proxy ask for the one password of the lab, which
    /// the inventory never holds (the AppHost's secret parameter <c>redis-password</c> does).
    /// </summary>
    Password,
}

/// <summary>A host of the post's table, mapped to its own loopback address (192.168.16.22 becomes 127.0.0.22).</summary>
public sealed record LabNode(string Name, IPAddress Address);

/// <summary>Whether an instance starts as its shard's master or as a replica of it.</summary>
public enum RedisRole { Master, Replica }

/// <summary>One redis-server: a node, a port (the same inside the container and on the node's address) and its starting role.</summary>
public sealed record RedisInstance(LabNode Node, int Port, string ShardName, RedisRole Role)
{
    /// <summary>Container and resource name, also the host name other containers reach it by (e.g. <c>node22-redis-4500</c>).</summary>
    public string Name => $"{Node.Name}-redis-{Port}";

    /// <summary>The post's data folder name (<c>redis_4500</c>).</summary>
    public string DataFolderName => $"redis_{Port}";
}

/// <summary>A master with its replicas, watched by Sentinel under <see cref="SentinelMasterName"/>.</summary>
public sealed record Shard(string Name, string SentinelMasterName, RedisInstance Master, IReadOnlyList<RedisInstance> Replicas);

/// <summary>One redis.conf directive applied to every Redis instance; a directive may repeat (<c>save</c>).</summary>
public sealed record RedisSetting(string Directive, string Value);

/// <summary>The Sentinels and the failover settings they share for every shard.</summary>
public sealed record SentinelGroup(
    IReadOnlyList<SentinelInstance> Instances,
    int Quorum,
    int DownAfterMilliseconds,
    int FailoverTimeoutMilliseconds,
    int ParallelSyncs);

/// <summary>One redis-sentinel process on a node.</summary>
public sealed record SentinelInstance(LabNode Node, int Port)
{
    /// <summary>Container and resource name (e.g. <c>node23-sentinel</c>).</summary>
    public string Name => $"{Node.Name}-sentinel";
}

/// <summary>How proxy servers are named in nutcracker's config, which decides where ketama places keys.</summary>
public enum ProxyServerNaming
{
    /// <summary><c>host:port:1 g1</c>: keys follow the shard name, so a new master address moves no key.</summary>
    Shard,
    /// <summary><c>host:port:1</c> (the post's config): the name is the address, so a failover re-hashes keys.</summary>
    Address,
}

/// <summary>How the proxy follows a failover: what the reconfig service does on a Sentinel's <c>+switch-master</c>.</summary>
public enum ProxyReconfigMode
{
    /// <summary>
    /// <c>reconfig: lab</c>, the default: follow every Sentinel, reconcile with a majority of them, rewrite the
    /// shard's server in place, check the file with <c>nutcracker -t</c>, then restart nutcracker.
    /// </summary>
    Lab,

    /// <summary>
    /// <c>reconfig: post-script</c>, the post's <c>client-reconfig-script</c>: only the Sentinel on the proxy's node
    /// is heard; each <c>+switch-master</c> replaces <c>old-host:old-port</c> with <c>new-host:new-port</c> in the
    /// file's text, then nutcracker is restarted. No reconcile, no majority, no check.
    /// </summary>
    PostScript,
}

/// <summary>twemproxy (nutcracker) with one pool in front of every shard.</summary>
public sealed record ProxyInstance(
    LabNode Node,
    int Port,
    IPAddress FrontDoorAddress,
    string Pool,
    string Hash,
    string Distribution,
    bool AutoEjectHosts,
    int ServerRetryTimeoutMilliseconds,
    int ServerFailureLimit,
    ProxyServerNaming ServerNaming,
    ProxyReconfigMode Reconfig = ProxyReconfigMode.Lab)
{
    /// <summary>Container and resource name (e.g. <c>node23-twemproxy</c>).</summary>
    public string Name => $"{Node.Name}-twemproxy";

    /// <summary>The config file name the post derives from the pool (<c>redis_14555.yml</c>).</summary>
    /// <remarks>
    /// The <em>wanted</em> config: the reconfig service renames a new version over it, and the proxy's supervisor,
    /// which watches the folder, checks it and restarts nutcracker on it.
    /// </remarks>
    public string ConfigFileName => $"{Pool}.yml";

    /// <summary>
    /// The config the running nutcracker was started with (<c>redis_14555.running.yml</c>), written by the proxy's
    /// supervisor only after <c>nutcracker -t</c> passed and the new process accepts connections: the proxy's own
    /// word on what it serves. The reconfig service compares what it wants with this file, never with its own.
    /// </summary>
    public string RunningConfigFileName => $"{Pool}.running.yml";

    /// <summary>The last wanted config the supervisor refused (<c>redis_14555.rejected.yml</c>), kept so it is not retried until it changes.</summary>
    public string RejectedConfigFileName => $"{Pool}.rejected.yml";

    /// <summary>Container and resource name of the reconfig service that runs beside this proxy (e.g. <c>node23-reconfig</c>).</summary>
    public string ReconfigName => $"{Node.Name}-reconfig";
}
