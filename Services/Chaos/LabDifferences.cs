using RedisHaLab.Topology;

namespace RedisHaLab.Chaos;

/// <summary>
/// How the running lab differs from its inventory's starting state: a container down, paused or cut off; a shard whose
/// master is not the inventory's; a Sentinel that sees the lab otherwise; a proxy that points elsewhere or cannot serve.
/// </summary>
public static class LabDifferences
{
    // Enough random keys that, with two or more shards, every shard gets some (ketama spreads them).
    private const int ProxyProbeKeys = 16;

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
            differences.AddRange(await ShardDifferencesAsync(shard));
        }
        differences.AddRange(await lab.Sentinels.DifferencesFromInventoryAsync());
        var servers = await lab.Proxy.ServersAsync();
        differences.AddRange(lab.Inventory.Shards
            .Where(s => servers[s] != s.Master)
            .Select(s => $"the proxy config sends {s.Name} to {servers[s]?.Name ?? "no instance of it"}, not {s.Master.Name}"));
        if (differences.Count == 0 && await ProxyProblemAsync(lab) is { } proxyProblem)
        {
            differences.Add(proxyProblem);
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
        return differences;
    }

    private static async Task<IReadOnlyList<string>> ShardDifferencesAsync(Shard shard)
    {
        var differences = new List<string>();
        var master = await RedisProbe.ReplicationAsync(shard.Master);
        if (!master.IsMaster)
        {
            differences.Add($"{shard.Master.Name}, the inventory's master of {shard.Name}, is {master}");
        }
        foreach (var replica in shard.Replicas)
        {
            var info = await RedisProbe.ReplicationAsync(replica);
            if (!info.IsReplicaOf(shard.Master))
            {
                differences.Add($"{replica.Name}, a replica of {shard.Name} in the inventory, is {info}");
            }
        }
        return differences;
    }

    /// <summary>Null when a handful of fresh keys write and read back through the front door, else what went wrong.</summary>
    private static async Task<string?> ProxyProblemAsync(ChaosLab lab)
    {
        try
        {
            await using var proxy = await LabClients.ProxyAsync(LabEndpoints.FrontDoor(lab.Inventory));
            var db = proxy.GetDatabase();
            var keys = Enumerable.Range(0, ProxyProbeKeys).Select(i => $"redis-ha-lab:reset:{Guid.NewGuid():N}").ToList();
            await Task.WhenAll(keys.Select(k => db.StringSetAsync(k, k)));
            var values = await Task.WhenAll(keys.Select(k => db.StringGetAsync(k)));
            var wrong = keys.Where((k, i) => values[i] != k).Count();
            return wrong == 0 ? null : $"{wrong} of {ProxyProbeKeys} fresh keys did not read back through the proxy";
        }
        catch (Exception e) when (LabClients.IsUnreachable(e))
        {
            return $"the proxy does not serve writes and reads at {LabEndpoints.FrontDoor(lab.Inventory)}: {e.Message}";
        }
    }
}
