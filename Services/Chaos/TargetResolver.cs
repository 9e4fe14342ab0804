using RedisHaLab.Topology;

namespace RedisHaLab.Chaos;

/// <summary>Turns a role target into the instances holding that role now: "master of g1" asks the Sentinels.</summary>
public sealed class TargetResolver(Inventory inventory, SentinelView sentinels)
{
    /// <summary>The containers <paramref name="target"/> means at this moment.</summary>
    /// <exception cref="ChaosException">The target names nothing in the inventory, or the Sentinels have no majority.</exception>
    public async Task<IReadOnlyList<string>> ContainersAsync(FaultTarget target) => target switch
    {
        FaultTarget.Node node => ContainersOn(inventory, NodeNamed(node.Name)),
        FaultTarget.SentinelOn on => [SentinelOn(on.NodeName).Name],
        FaultTarget.AnySentinel => [((await sentinels.FirstAnsweringAsync()) ?? inventory.Sentinels.Instances[0]).Name],
        FaultTarget.Proxy => [inventory.Proxy.Name],
        FaultTarget.ReconfigService => throw new ChaosException("the reconfig service is a process on the host, not a container"),
        _ => [(await RedisInstanceAsync(target)).Name],
    };

    /// <summary>The one Redis instance <paramref name="target"/> means at this moment.</summary>
    /// <exception cref="ChaosException">The target is not a Redis instance, names no shard, or the Sentinels have no majority.</exception>
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

    /// <summary>The shard's master as a majority of the Sentinels names it.</summary>
    /// <exception cref="ChaosException">No majority names one.</exception>
    public async Task<RedisInstance> CurrentMasterAsync(Shard shard)
    {
        var vote = await sentinels.MasterOfAsync(shard);
        return vote.Master ?? throw new ChaosException($"the Sentinels name no master of {shard.Name}: {vote}");
    }

    /// <summary>Every container <paramref name="inventory"/> puts on <paramref name="node"/>.</summary>
    public static IReadOnlyList<string> ContainersOn(Inventory inventory, LabNode node) =>
    [
        .. inventory.RedisInstances.Where(i => i.Node == node).Select(i => i.Name),
        .. inventory.Sentinels.Instances.Where(s => s.Node == node).Select(s => s.Name),
        .. inventory.Proxy.Node == node ? [inventory.Proxy.Name] : Array.Empty<string>(),
    ];

    /// <summary>The shard of the inventory called <paramref name="name"/>.</summary>
    /// <exception cref="ChaosException">There is none.</exception>
    public Shard ShardNamed(string name) => inventory.Shards.FirstOrDefault(s => s.Name == name)
        ?? throw new ChaosException($"no shard '{name}'; the inventory has {string.Join(", ", inventory.Shards.Select(s => s.Name))}");

    private LabNode NodeNamed(string name) => inventory.Nodes.FirstOrDefault(n => n.Name == name)
        ?? throw new ChaosException($"no node '{name}'; the inventory has {string.Join(", ", inventory.Nodes.Select(n => n.Name))}");

    private SentinelInstance SentinelOn(string node) => inventory.Sentinels.Instances.FirstOrDefault(s => s.Node.Name == node)
        ?? throw new ChaosException($"no Sentinel runs on '{node}'; Sentinels run on {string.Join(", ", inventory.Sentinels.Instances.Select(s => s.Node.Name))}");
}
