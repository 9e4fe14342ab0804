using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.Faults;

/// <summary>
/// How the running lab differs from its inventory's starting state: a container down, paused or cut off; a shard whose
/// master is not the inventory's; a Sentinel that sees the lab otherwise; writes through the front door that do not
/// land on the inventory's masters.
/// </summary>
public static class LabDifferences
{
    // Probe keys are cheap, but a lab still restarting its proxy should read as "not yet", not hold the reset up.
    private static readonly TimeSpan ProbeWithin = TimeSpan.FromSeconds(5);

    /// <summary>Every difference found, described; empty when the lab is as its inventory starts it.</summary>
    public static async Task<IReadOnlyList<string>> FromInventoryAsync(ChaosLab lab, CancellationToken cancellationToken)
    {
        var differences = new List<string>();
        foreach (var container in lab.ContainerNames)
        {
            differences.AddRange(await ContainerDifferencesAsync(lab, container, cancellationToken));
        }
        foreach (var shard in lab.Inventory.Shards)
        {
            differences.AddRange(await ShardDifferencesAsync(shard, lab.Endpoints, lab.Password));
        }
        differences.AddRange(await lab.Sentinels.DifferencesFromInventoryAsync());
        // Only once everything else agrees: the routing of a lab still settling says nothing new.
        if (differences.Count == 0)
        {
            differences.AddRange(await RoutingDifferencesAsync(lab));
        }
        // Behind a load balancer, every proxy back in rotation (a restarted one rejoins once its checks pass).
        if (differences.Count == 0 && lab.Inventory.LoadBalancer is { } balancer)
        {
            var states = await LoadBalancerStats.ReadAsync(balancer, cancellationToken);
            differences.AddRange(lab.Inventory.Proxies
                .Select(p => states.FirstOrDefault(s => s.Proxy == p.Name) is { } state ? state : new RotationState(p.Name, "missing", ""))
                .Where(s => !s.IsUp)
                .Select(s => $"the load balancer has {s} out of rotation"));
        }
        return differences;
    }

    private static async Task<IReadOnlyList<string>> ContainerDifferencesAsync(ChaosLab lab, string container, CancellationToken cancellationToken)
    {
        var state = await lab.Containers.StateAsync(container, cancellationToken);
        if (!state.Running)
        {
            return [$"{container} is {state.Status}"];
        }
        var differences = new List<string>();
        if (state.Paused)
        {
            differences.Add($"{container} is frozen (docker pause)");
        }
        else if (await lab.Containers.IsSignalStoppedAsync(container, cancellationToken))
        {
            differences.Add($"{container} is stopped by a signal (SIGSTOP)");
        }
        if (await lab.Network.IsCutOffAsync(container, cancellationToken))
        {
            differences.Add($"{container} is cut off the lab network");
        }
        if (await lab.ResolverCut.IsCutAsync(container, cancellationToken))
        {
            differences.Add($"{container} is cut off from the machine's resolver");
        }
        return differences;
    }

    private static async Task<IReadOnlyList<string>> ShardDifferencesAsync(Shard shard, LabEndpoints endpoints, string? password)
    {
        var differences = new List<string>();
        var master = await RedisProbe.ReplicationAsync(shard.Master, endpoints, password);
        if (!master.IsMaster)
        {
            differences.Add($"{shard.Master.Name}, the inventory's master of {shard.Name}, is {master}");
        }
        foreach (var replica in shard.Replicas)
        {
            var info = await RedisProbe.ReplicationAsync(replica, endpoints, password);
            if (!info.IsReplicaOf(shard.Master))
            {
                differences.Add($"{replica.Name}, a replica of {shard.Name} in the inventory, is {info}");
            }
        }
        return differences;
    }

    /// <summary>For each shard whose probe keys, written through the front door, do not land on the inventory's master: what they did.</summary>
    private static async Task<IReadOnlyList<string>> RoutingDifferencesAsync(ChaosLab lab)
    {
        var masters = lab.Inventory.Shards.ToDictionary(s => s, s => s.Master);
        await using var frontDoor = await LabClients.ProxyAsync(lab.Endpoints.FrontDoor(lab.Inventory), lab.Password);
        var differences = new List<string>();
        foreach (var shard in lab.Inventory.Shards)
        {
            if (await RoutingProbe.ProblemAsync(frontDoor.GetDatabase(), shard, masters, ProbeWithin, lab.Endpoints, lab.Password) is { } problem)
            {
                differences.Add($"the front door does not route {shard.Name} to {shard.Master.Name}: {problem}");
            }
        }
        return differences;
    }
}
