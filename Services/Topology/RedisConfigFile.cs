using System.Text;

namespace RedisHaLab.Topology;

/// <summary>Renders redis.conf and sentinel.conf for one instance of an inventory.</summary>
/// <remarks>
/// Instances name each other by container name (<see cref="RedisInstance.Name"/>), never by IP: a restarted
/// container gets a new IP on the lab network but keeps its name, so Sentinel's view of the shard survives it.
/// </remarks>
public static class RedisConfigFile
{
    /// <summary>Folder of every instance's files inside its container (the post's layout).</summary>
    public const string DataRoot = "/data/nosql";

    /// <summary>Where an instance's folder is inside its container, e.g. <c>/data/nosql/redis_4500</c>.</summary>
    public static string ContainerFolder(RedisInstance instance) => $"{DataRoot}/{instance.DataFolderName}";

    /// <summary>Where a Sentinel's folder is inside its container.</summary>
    public const string SentinelContainerFolder = $"{DataRoot}/sentinel";

    /// <summary>redis.conf of <paramref name="instance"/>.</summary>
    public static string RenderRedis(Inventory inventory, RedisInstance instance)
    {
        var shard = inventory.Shards.Single(s => s.Name == instance.ShardName);
        var conf = new StringBuilder()
            .AppendLine($"# {instance.Name}: shard {shard.Name} {instance.Role.ToString().ToLowerInvariant()}, rendered from {Path.GetFileName(inventory.SourceFile)}.")
            .AppendLine("# Sentinel may rewrite this file (CONFIG REWRITE) after a failover.")
            .AppendLine($"port {instance.Port}")
            .AppendLine($"dir {ContainerFolder(instance)}")
            // The container's network is the lab's; its port is published on the node's loopback address only.
            .AppendLine("protected-mode no")
            .AppendLine($"replica-announce-ip {instance.Name}")
            .AppendLine($"replica-announce-port {instance.Port}");
        foreach (var setting in inventory.RedisSettings)
        {
            conf.AppendLine(Directive(setting.Directive, setting.Value));
        }
        if (instance.Role == RedisRole.Replica)
        {
            conf.AppendLine($"replicaof {shard.Master.Name} {shard.Master.Port}");
        }
        return conf.ToString();
    }

    /// <summary>sentinel.conf of <paramref name="sentinel"/>; Sentinel rewrites it at run time, so it must be a writable copy.</summary>
    public static string RenderSentinel(Inventory inventory, SentinelInstance sentinel)
    {
        var group = inventory.Sentinels;
        var conf = new StringBuilder()
            .AppendLine($"# {sentinel.Name}, rendered from {Path.GetFileName(inventory.SourceFile)}; Sentinel rewrites this file at run time.")
            .AppendLine($"port {sentinel.Port}")
            .AppendLine($"dir {SentinelContainerFolder}")
            .AppendLine("protected-mode no")
            // Names, not IPs: masters and replicas are monitored by container name, and this Sentinel
            // introduces itself to the others by name too (else they all look alike behind NAT).
            .AppendLine("sentinel resolve-hostnames yes")
            .AppendLine("sentinel announce-hostnames yes")
            .AppendLine($"sentinel announce-ip {sentinel.Name}")
            .AppendLine($"sentinel announce-port {sentinel.Port}");
        foreach (var shard in inventory.Shards)
        {
            var name = shard.SentinelMasterName;
            conf.AppendLine()
                .AppendLine($"sentinel monitor {name} {shard.Master.Name} {shard.Master.Port} {group.Quorum}")
                .AppendLine($"sentinel down-after-milliseconds {name} {group.DownAfterMilliseconds}")
                .AppendLine($"sentinel failover-timeout {name} {group.FailoverTimeoutMilliseconds}")
                .AppendLine($"sentinel parallel-syncs {name} {group.ParallelSyncs}");
        }
        return conf.ToString();
    }

    private static string Directive(string name, string value) =>
        value.Length == 0 ? $"{name} \"\"" : $"{name} {value}";
}
