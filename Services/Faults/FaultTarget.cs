using System.Text.RegularExpressions;

namespace RedisHaLab.Faults;

/// <summary>
/// What a fault is aimed at, named by role ("master of g1", "node22", "a sentinel") rather than by container, so that a
/// scenario means the same thing whichever instance holds the role when the step runs.
/// </summary>
public abstract partial record FaultTarget
{
    /// <summary>Every form a target can be written in, for error messages.</summary>
    public const string Forms =
        "master of <shard>, replica of <shard>, original master of <shard>, original replica of <shard>, <node>, " +
        "sentinel on <node>, a sentinel, the proxy, the reconfig service, proxy on <node>, reconfig service on <node>, the load balancer";

    private FaultTarget()
    {
    }

    /// <summary>True for targets that name exactly one Redis instance (a master or a replica).</summary>
    public bool IsRedisInstance => this is MasterOf or ReplicaOf or OriginalMasterOf or OriginalReplicaOf;

    /// <summary>The shard's master at the moment the step runs, by <see cref="ShardMasters"/>' rule (ROLE first, then the Sentinels).</summary>
    public sealed record MasterOf(string Shard) : FaultTarget
    {
        /// <inheritdoc />
        public override string ToString() => $"master of {Shard}";
    }

    /// <summary>A replica of the shard at the moment the step runs: the first instance, in inventory order, that is not its current master.</summary>
    public sealed record ReplicaOf(string Shard) : FaultTarget
    {
        /// <inheritdoc />
        public override string ToString() => $"replica of {Shard}";
    }

    /// <summary>The instance the inventory makes the shard's master, where every scenario starts, whatever its role now.</summary>
    public sealed record OriginalMasterOf(string Shard) : FaultTarget
    {
        /// <inheritdoc />
        public override string ToString() => $"original master of {Shard}";
    }

    /// <summary>The first replica the inventory gives the shard, whatever its role now.</summary>
    public sealed record OriginalReplicaOf(string Shard) : FaultTarget
    {
        /// <inheritdoc />
        public override string ToString() => $"original replica of {Shard}";
    }

    /// <summary>Every instance the inventory puts on a node: a whole host going down.</summary>
    public sealed record Node(string Name) : FaultTarget
    {
        /// <inheritdoc />
        public override string ToString() => Name;
    }

    /// <summary>The Sentinel running on a node.</summary>
    public sealed record SentinelOn(string NodeName) : FaultTarget
    {
        /// <inheritdoc />
        public override string ToString() => $"sentinel on {NodeName}";
    }

    /// <summary>One Sentinel, whichever: the first of the inventory that answers.</summary>
    public sealed record AnySentinel : FaultTarget
    {
        /// <inheritdoc />
        public override string ToString() => "a sentinel";
    }

    /// <summary>The twemproxy container.</summary>
    public sealed record Proxy : FaultTarget
    {
        /// <inheritdoc />
        public override string ToString() => "the proxy";
    }

    /// <summary>The reconfig service's container, beside the proxy on the proxy's node.</summary>
    public sealed record ReconfigService : FaultTarget
    {
        /// <inheritdoc />
        public override string ToString() => "the reconfig service";
    }

    /// <summary>The proxy running on a node (an inventory may run one per node).</summary>
    public sealed record ProxyOn(string NodeName) : FaultTarget
    {
        /// <inheritdoc />
        public override string ToString() => $"proxy on {NodeName}";
    }

    /// <summary>The reconfig service beside the proxy on a node.</summary>
    public sealed record ReconfigServiceOn(string NodeName) : FaultTarget
    {
        /// <inheritdoc />
        public override string ToString() => $"reconfig service on {NodeName}";
    }

    /// <summary>The load balancer in front of the proxies (HAProxy), when the inventory has one.</summary>
    public sealed record LoadBalancer : FaultTarget
    {
        /// <inheritdoc />
        public override string ToString() => "the load balancer";
    }

    /// <summary>Reads a target as a scenario or a person writes it; case and extra spaces do not matter.</summary>
    public static bool TryParse(string? text, out FaultTarget? target)
    {
        var words = WhiteSpace().Replace((text ?? "").Trim().ToLowerInvariant(), " ");
        target = words switch
        {
            "a sentinel" => new AnySentinel(),
            "the proxy" => new Proxy(),
            "the reconfig service" => new ReconfigService(),
            "the load balancer" => new LoadBalancer(),
            _ => null,
        };
        if (target is not null)
        {
            return true;
        }
        var role = RoleOfShard().Match(words);
        if (role.Success)
        {
            var shard = role.Groups["shard"].Value;
            var original = role.Groups["original"].Success;
            target = role.Groups["role"].Value == "master"
                ? original ? new OriginalMasterOf(shard) : new MasterOf(shard)
                : original ? new OriginalReplicaOf(shard) : new ReplicaOf(shard);
            return true;
        }
        var onNode = ProxyPartOnNode().Match(words);
        if (onNode.Success)
        {
            var node = onNode.Groups["node"].Value;
            target = onNode.Groups["part"].Value == "proxy" ? new ProxyOn(node) : new ReconfigServiceOn(node);
            return true;
        }
        var sentinel = SentinelOnNode().Match(words);
        if (sentinel.Success)
        {
            target = new SentinelOn(sentinel.Groups["node"].Value);
            return true;
        }
        if (NodeNamePattern().IsMatch(words))
        {
            target = new Node(words);
            return true;
        }
        return false;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();

    [GeneratedRegex(@"^(?<original>original )?(?<role>master|replica) of (?<shard>[a-z0-9][a-z0-9_-]*)$")]
    private static partial Regex RoleOfShard();

    [GeneratedRegex(@"^(?<part>proxy|reconfig service) on (?<node>[a-z][a-z0-9]*(-[a-z0-9]+)*)$")]
    private static partial Regex ProxyPartOnNode();

    [GeneratedRegex(@"^sentinel on (?<node>[a-z][a-z0-9]*(-[a-z0-9]+)*)$")]
    private static partial Regex SentinelOnNode();

    // The inventory's node-name rule: a single word like node22.
    [GeneratedRegex(@"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    private static partial Regex NodeNamePattern();
}
