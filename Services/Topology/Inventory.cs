using System.Net;

namespace RedisHaLab.Topology;

/// <summary>A validated lab topology: nodes, the Redis shards and Sentinels on them, the proxies in front (and a load balancer before several).</summary>
/// <remarks>Only <see cref="InventoryLoader"/> builds one, so every instance here has passed validation.</remarks>
public sealed record Inventory(
    string SourceFile,
    IReadOnlyList<LabNode> Nodes,
    IReadOnlyList<Shard> Shards,
    IReadOnlyList<RedisSetting> RedisSettings,
    SentinelGroup Sentinels,
    IReadOnlyList<ProxyInstance> Proxies,
    LabAuthentication Authentication = LabAuthentication.None,
    LoadBalancer? LoadBalancer = null)
{
    /// <summary>
    /// Which of the labs side by side on this machine this is (<c>--lab-index</c>, <see cref="LabPlacement"/>): 0, the
    /// inventory as written, or 1 to <see cref="LabPlacement.MaxIndex"/>, moved to a loopback range and names of its own.
    /// </summary>
    public int LabIndex { get; init; }

    /// <summary>
    /// The first proxy of the inventory (the only one in the post's lab). Every proxy shares the pool's settings (pool,
    /// hash, distribution, server names, reconfig mode), so code that needs those reads them here; code about one
    /// proxy's container, node or folder goes through <see cref="Proxies"/>.
    /// </summary>
    public ProxyInstance Proxy => Proxies[0];

    /// <summary>Where a reconfig service answers readiness checks inside the lab network when the inventory sets no load balancer port.</summary>
    public const int DefaultReadinessPort = 14556;

    /// <summary>
    /// The port each reconfig service answers readiness on inside the lab network (the load balancer's
    /// <c>readiness_port</c>, else <see cref="DefaultReadinessPort"/>); it is published nowhere.
    /// </summary>
    public int ReadinessPort => LoadBalancer?.ReadinessPort ?? DefaultReadinessPort;

    /// <summary>Every Redis instance, masters first, in inventory order.</summary>
    public IEnumerable<RedisInstance> RedisInstances =>
        Shards.Select(s => s.Master).Concat(Shards.SelectMany(s => s.Replicas));

    /// <summary>
    /// Every container of the lab by name (its resource name too): Redis, Sentinels, each proxy and its reconfig
    /// service, and the load balancer when there is one.
    /// </summary>
    public IReadOnlyList<string> ContainerNames =>
    [
        .. RedisInstances.Select(i => i.Name), .. Sentinels.Instances.Select(s => s.Name),
        .. Proxies.SelectMany(p => new[] { p.Name, p.ReconfigName }),
        .. LoadBalancer is null ? Array.Empty<string>() : [LoadBalancer.Name],
    ];

    /// <summary>The proxy whose container is called <paramref name="name"/>, or null when the inventory has none.</summary>
    public ProxyInstance? FindProxy(string name) => Proxies.FirstOrDefault(p => p.Name == name);

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
public sealed record LabNode(string Name, IPAddress Address)
{
    /// <summary>
    /// What goes before the name of every container on this node: "" for a lab as written, <c>lab1-</c> for a lab placed
    /// beside others (<see cref="LabPlacement"/>), so that two labs' containers never share a name. Playbooks and reports
    /// still say <see cref="Name"/>.
    /// </summary>
    public string ContainerPrefix { get; init; } = "";
}

/// <summary>Whether an instance starts as its shard's master or as a replica of it.</summary>
public enum RedisRole { Master, Replica }

/// <summary>One redis-server: a node, a port (the same inside the container and on the node's address) and its starting role.</summary>
public sealed record RedisInstance(LabNode Node, int Port, string ShardName, RedisRole Role)
{
    /// <summary>Container and resource name, also the host name other containers reach it by (e.g. <c>node22-redis-4500</c>).</summary>
    public string Name => $"{Node.ContainerPrefix}{Node.Name}-redis-{Port}";

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
    int ParallelSyncs)
{
    /// <summary>
    /// How many Sentinels must agree to elect the leader that fails a shard over (more than half of them, as Sentinel
    /// counts), and so how many answers a decision taken on the Sentinels' word needs.
    /// </summary>
    public int Majority => MajorityOf(Instances.Count);

    /// <summary>More than half of <paramref name="sentinels"/> Sentinels: the one rule for a Sentinel majority.</summary>
    public static int MajorityOf(int sentinels) => sentinels / 2 + 1;

    /// <summary>
    /// How many Sentinels must know each other before a failover can happen: the quorum to agree a master is down, and
    /// a majority to elect the leader, whichever is more.
    /// </summary>
    public int NeededForFailover => Math.Max(Quorum, Majority);
}

/// <summary>One redis-sentinel process on a node.</summary>
public sealed record SentinelInstance(LabNode Node, int Port)
{
    /// <summary>Container and resource name (e.g. <c>node23-sentinel</c>).</summary>
    public string Name => $"{Node.ContainerPrefix}{Node.Name}-sentinel";
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

/// <summary>One twemproxy (nutcracker) with one pool in front of every shard; an inventory may run several, one per node.</summary>
/// <param name="FrontDoorAddress">
/// A second address the proxy listens on (127.0.0.1 in the post's lab), or null when a load balancer owns the front
/// door and the proxy listens on its node's address only.
/// </param>
public sealed record ProxyInstance(
    LabNode Node,
    int Port,
    IPAddress? FrontDoorAddress,
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
    public string Name => $"{Node.ContainerPrefix}{Node.Name}-twemproxy";

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

    /// <summary>
    /// The supervisor's record of what runs (<c>redis_14555.running.json</c>: the running config's SHA-256, nutcracker's
    /// pid and since when it accepts; <see cref="NutcrackerRunningRecord"/>), written after the running report: the
    /// reconfig service confirms an apply by the hash, without reading the YAML again.
    /// </summary>
    public string RunningRecordFileName => $"{Pool}.running.json";

    /// <summary>The last wanted config the supervisor refused (<c>redis_14555.rejected.yml</c>), kept so it is not retried until it changes.</summary>
    public string RejectedConfigFileName => $"{Pool}.rejected.yml";

    /// <summary>
    /// What this proxy's reconfig service verified (<c>redis_14555.verified.json</c>): by shard, the master it set, the
    /// epoch and the replication ID, kept beside the running report so a restarted service starts from it.
    /// </summary>
    public string VerifiedFileName => $"{Pool}.verified.json";

    /// <summary>
    /// The reconfig service's readiness answer (<c>redis_14555.readiness</c>), rewritten four times a second beside the
    /// reports: the AppHost's health check reads it from the host and takes a stale one as silence.
    /// </summary>
    public string ReadinessFileName => $"{Pool}.readiness";

    /// <summary>Container and resource name of the reconfig service that runs beside this proxy (e.g. <c>node23-reconfig</c>).</summary>
    public string ReconfigName => $"{Node.ContainerPrefix}{Node.Name}-reconfig";
}

/// <summary>
/// HAProxy in front of the proxies (<c>load_balancer:</c> in the inventory): the lab's front door, in TCP mode,
/// checking each proxy every <see cref="CheckIntervalMilliseconds"/>; a proxy counts as up only while it answers and its
/// reconfig service says it runs the Sentinels' current masters (<see cref="ReadinessPort"/>).
/// </summary>
public sealed record LoadBalancer(
    IPAddress FrontDoorAddress,
    int Port,
    int StatsPort,
    int ReadinessPort,
    int CheckIntervalMilliseconds,
    int Fall,
    int Rise)
{
    /// <summary>Container and resource name; it belongs to no node, so losing any node leaves it up.</summary>
    public const string ResourceName = "haproxy";

    /// <summary>What goes before <see cref="ResourceName"/>: "" for a lab as written, <c>lab1-</c> for one placed beside others.</summary>
    public string ContainerPrefix { get; init; } = "";

    /// <summary>Container and resource name (<c>haproxy</c>, or <c>lab1-haproxy</c> for a lab placed beside others).</summary>
    public string Name => ContainerPrefix + ResourceName;
}
