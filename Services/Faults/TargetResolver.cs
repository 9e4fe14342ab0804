using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.Faults;

/// <summary>Turns a role target into the instances holding that role now: "master of g1" goes by <see cref="ShardMasters"/>' rule.</summary>
public sealed class TargetResolver(Inventory inventory, SentinelView sentinels, ShardMasters masters, LabSite site)
{
    /// <summary>The containers <paramref name="target"/> means at this moment.</summary>
    /// <exception cref="ChaosException">The target names nothing in the inventory, or its shard has no master now.</exception>
    public async Task<IReadOnlyList<string>> ContainersAsync(FaultTarget target) => target switch
    {
        // The site says what a node is: its containers in the Aspire lab and on one engine, the host itself on three.
        FaultTarget.Node node => site.ContainersOn(inventory, NodeNamed(node.Name)),
        FaultTarget.SentinelOn on => [SentinelOn(on.NodeName).Name],
        FaultTarget.AnySentinel => [((await sentinels.FirstAnsweringAsync()) ?? inventory.Sentinels.Instances[0]).Name],
        FaultTarget.Proxy => [inventory.Proxy.Name],
        FaultTarget.ReconfigService => [inventory.Proxy.ReconfigName],
        FaultTarget.ProxyOn on => [ProxyOn(on.NodeName).Name],
        FaultTarget.ReconfigServiceOn on => [ProxyOn(on.NodeName).ReconfigName],
        FaultTarget.LoadBalancer => [(inventory.LoadBalancer ?? throw new ChaosException("the inventory has no load balancer; add 'load_balancer:' or aim at a proxy")).Name],
        _ => [(await RedisInstanceAsync(target)).Name],
    };

    /// <summary>The one Redis instance <paramref name="target"/> means at this moment.</summary>
    /// <exception cref="ChaosException">The target is not a Redis instance, names no shard, or its shard has no master now.</exception>
    public async Task<RedisInstance> RedisInstanceAsync(FaultTarget target)
    {
        switch (target)
        {
            case FaultTarget.OriginalMasterOf original:
                return ShardNamed(original.Shard).Master;
            case FaultTarget.OriginalReplicaOf original:
                return ShardNamed(original.Shard).Replicas[0];
            case FaultTarget.MasterOf masterOf:
                return await CurrentMasterAsync(ShardNamed(masterOf.Shard));
            case FaultTarget.ReplicaOf replicaOf:
                var shard = ShardNamed(replicaOf.Shard);
                var master = await CurrentMasterAsync(shard);
                return shard.Replicas.Prepend(shard.Master).First(i => i != master);
            default:
                throw new ChaosException($"'{target}' is not a Redis instance; use master of <shard>, replica of <shard> or original ... of <shard>");
        }
    }

    /// <summary>The shard's current master by <see cref="ShardMasters"/>' rule.</summary>
    /// <exception cref="ChaosException">The rule settles nothing.</exception>
    public Task<RedisInstance> CurrentMasterAsync(Shard shard) => masters.RequireAsync(shard);

    /// <summary>
    /// Every container <paramref name="inventory"/> puts on <paramref name="node"/>: its Redis instances and Sentinel, and
    /// on a proxy's node that proxy and the reconfig service beside it (they die with their node, as the post's
    /// script did with its host).
    /// </summary>
    public static IReadOnlyList<string> ContainersOn(Inventory inventory, LabNode node) =>
    [
        .. inventory.RedisInstances.Where(i => i.Node == node).Select(i => i.Name),
        .. inventory.Sentinels.Instances.Where(s => s.Node == node).Select(s => s.Name),
        .. inventory.Proxies.Where(p => p.Node == node).SelectMany(p => new[] { p.Name, p.ReconfigName }),
    ];

    /// <summary>The node whose containers (<see cref="ContainersOn"/>) include <paramref name="container"/>, or null.</summary>
    public static string? NodeOf(Inventory inventory, string container) =>
        inventory.Nodes.FirstOrDefault(n => ContainersOn(inventory, n).Contains(container))?.Name;

    /// <summary>The shard of the inventory called <paramref name="name"/>.</summary>
    /// <exception cref="ChaosException">There is none.</exception>
    public Shard ShardNamed(string name) => inventory.Shards.FirstOrDefault(s => s.Name == name)
        ?? throw new ChaosException($"no shard '{name}'; the inventory has {string.Join(", ", inventory.Shards.Select(s => s.Name))}");

    private LabNode NodeNamed(string name) => inventory.Nodes.FirstOrDefault(n => n.Name == name)
        ?? throw new ChaosException($"no node '{name}'; the inventory has {string.Join(", ", inventory.Nodes.Select(n => n.Name))}");

    private ProxyInstance ProxyOn(string node) => inventory.Proxies.FirstOrDefault(p => p.Node.Name == node)
        ?? throw new ChaosException($"no proxy runs on '{node}'; proxies run on {string.Join(", ", inventory.Proxies.Select(p => p.Node.Name))}");

    private SentinelInstance SentinelOn(string node) => inventory.Sentinels.Instances.FirstOrDefault(s => s.Node.Name == node)
        ?? throw new ChaosException($"no Sentinel runs on '{node}'; Sentinels run on {string.Join(", ", inventory.Sentinels.Instances.Select(s => s.Node.Name))}");
}
