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
    /// <param name="password">The lab's password when its inventory turns authentication on, else null.</param>
    public static string RenderRedis(Inventory inventory, RedisInstance instance, string? password)
    {
        CheckPassword(inventory, password);
        var shard = inventory.Shards.Single(s => s.Name == instance.ShardName);
        var conf = new StringBuilder()
            .AppendLine($"# {instance.Name}: shard {shard.Name} {instance.Role.ToString().ToLowerInvariant()}, rendered from {Path.GetFileName(inventory.SourceFile)}.")
            .AppendLine("# Sentinel may rewrite this file (CONFIG REWRITE) after a failover.")
            .AppendLine($"port {instance.Port}")
            .AppendLine($"dir {ContainerFolder(instance)}")
            // The container's network is the lab's; its port is published on the node's loopback address only.
            .AppendLine("protected-mode no")
            .AppendLine($"replica-announce-ip {instance.Name}")
            .AppendLine($"replica-announce-port {instance.Port}")
            // The post's Redis 3.0.6 sent a replica its full copy through a file on disk; 7.0 streams it instead, but
            // first waits repl-diskless-sync-delay (5 s) for more replicas to share the stream. Every full sync (a lab
            // start, a restarted master joining as a replica) waited those 5 s with nothing to share them. 3.0's way
            // starts at once. Written before the inventory's settings, so redis_settings can still choose the other.
            .AppendLine("repl-diskless-sync no");
        foreach (var setting in inventory.RedisSettings)
        {
            conf.AppendLine(Directive(setting.Directive, setting.Value));
        }
        if (password is not null)
        {
            // Clients, Sentinels and the proxy log in with it; masterauth on every instance, masters included,
            // because Sentinel may turn any of them into a replica that has to log in to the new master.
            conf.AppendLine($"requirepass {password}")
                .AppendLine($"masterauth {password}");
        }
        if (instance.Role == RedisRole.Replica)
        {
            conf.AppendLine($"replicaof {shard.Master.Name} {shard.Master.Port}");
        }
        return conf.ToString();
    }

    /// <summary>sentinel.conf of <paramref name="sentinel"/>; Sentinel rewrites it at run time, so it must be a writable copy.</summary>
    /// <param name="password">The lab's password when its inventory turns authentication on, else null.</param>
    /// <param name="masters">
    /// The instance each shard's Sentinels monitor, by shard name: the inventory's masters when null. A Sentinel rebuilt
    /// from its config after failovers (a lost volume, a redeploy) names the masters of now, and starts its epochs at 0.
    /// </param>
    public static string RenderSentinel(Inventory inventory, SentinelInstance sentinel, string? password,
        IReadOnlyDictionary<string, RedisInstance>? masters = null)
    {
        CheckPassword(inventory, password);
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
        if (password is not null)
        {
            // Without sentinel-pass, a Sentinel logs in to the other Sentinels with its own requirepass: one password
            // guards both, so a local process can neither SENTINEL REMOVE/MONITOR nor PUBLISH a forged hello.
            conf.AppendLine($"requirepass {password}");
        }
        foreach (var shard in inventory.Shards)
        {
            var name = shard.SentinelMasterName;
            var master = masters is null ? shard.Master : MasterOf(shard, masters);
            conf.AppendLine()
                .AppendLine($"sentinel monitor {name} {master.Name} {master.Port} {group.Quorum}")
                .AppendLine($"sentinel down-after-milliseconds {name} {group.DownAfterMilliseconds}")
                .AppendLine($"sentinel failover-timeout {name} {group.FailoverTimeoutMilliseconds}")
                .AppendLine($"sentinel parallel-syncs {name} {group.ParallelSyncs}");
            if (password is not null)
            {
                conf.AppendLine($"sentinel auth-pass {name} {password}");
            }
            // The replicas too, as Sentinel writes them itself once it has met them: one that starts with the lab would
            // otherwise learn of a replica linked after its first look at the master only at its next INFO, 10 s later,
            // and until then has no one to promote. (Sentinel 7.0 keeps a name that does not resolve yet and retries it.)
            foreach (var replica in shard.Replicas.Prepend(shard.Master).Where(i => i != master))
            {
                conf.AppendLine($"sentinel known-replica {name} {replica.Name} {replica.Port}");
            }
        }
        return conf.ToString();
    }

    /// <summary>
    /// A password exactly when the inventory asks for one, and one that config files can carry: a mismatch is the
    /// caller's mistake, and rendering a lab without the password it was meant to have must not happen silently.
    /// </summary>
    internal static void CheckPassword(Inventory inventory, string? password)
    {
        if (inventory.Authentication == LabAuthentication.Password && password is null)
        {
            throw new ArgumentException($"{Path.GetFileName(inventory.SourceFile)} turns authentication on, but no password was given", nameof(password));
        }
        if (inventory.Authentication == LabAuthentication.None && password is not null)
        {
            throw new ArgumentException($"{Path.GetFileName(inventory.SourceFile)} has no authentication, but a password was given", nameof(password));
        }
        if (password is not null && LabPassword.Problem(password) is { } problem)
        {
            throw new ArgumentException(problem, nameof(password));
        }
    }

    private static RedisInstance MasterOf(Shard shard, IReadOnlyDictionary<string, RedisInstance> masters) =>
        masters.TryGetValue(shard.Name, out var master) && (master == shard.Master || shard.Replicas.Contains(master))
            ? master
            : throw new ArgumentException($"no master of shard {shard.Name} among its own instances was given", nameof(masters));

    private static string Directive(string name, string value) =>
        value.Length == 0 ? $"{name} \"\"" : $"{name} {value}";
}
