using RedisHaLab.Topology;

namespace RedisHaLab.Reconfig;

/// <summary>Whether the load balancer may send clients to this service's proxy, and why.</summary>
/// <param name="IsUp">True only when the proxy runs, for every shard, the master this service verified last.</param>
/// <param name="Reason">One line for logs and the load balancer's check (e.g. which shard is stale and where it points).</param>
internal sealed record Readiness(bool IsUp, string Reason)
{
    /// <summary>The answer on the readiness port: <c>up</c> or <c>down</c>, then the reason (HAProxy's check reads the first word).</summary>
    public string Answer => $"{(IsUp ? "up" : "down")} {Reason}\n";
}

/// <summary>
/// The rule that keeps a stale proxy out of the load balancer: the proxy is ready only when what it <em>runs</em> (its
/// supervisor's running report, not the file this service wrote) sends every shard to the master this service last
/// verified for it (a Sentinel's claim that passed shard, epoch and ROLE checks). Until every shard has such a master
/// (a reconfig service that just started has asked no Sentinel yet), the answer is down: unknown is not current.
/// </summary>
internal static class ProxyReadiness
{
    /// <summary>Decides readiness from the verified masters by shard name and the proxy's running config text (null: none reported).</summary>
    public static Readiness Decide(Inventory inventory, IReadOnlyDictionary<string, MasterAddress> verifiedMasters, string? runningText)
    {
        if (runningText is null)
        {
            return new(false, "the proxy has reported no running config");
        }
        NutcrackerConfig running;
        try
        {
            running = NutcrackerConfig.Parse(runningText);
        }
        catch (FormatException e)
        {
            return new(false, $"the proxy's running config cannot be read: {e.Message}");
        }
        foreach (var shard in inventory.Shards)
        {
            if (!verifiedMasters.TryGetValue(shard.Name, out var master))
            {
                return new(false, $"no verified master for shard {shard.Name} yet");
            }
            switch (ProxyConfigTransform.Retarget(running, inventory, shard.SentinelMasterName, master))
            {
                case ProxyConfigChange.Unchanged:
                    continue;
                case ProxyConfigChange.Rewrite rewrite:
                    return new(false, $"stale: runs shard {shard.Name} on {rewrite.Before.Address}, its verified master is {master}");
                case ProxyConfigChange.CannotApply cannot:
                    return new(false, $"shard {shard.Name}: {cannot.Reason}");
                default:
                    return new(false, $"shard {shard.Name} is not in the proxy's config");
            }
        }
        return new(true, $"runs the verified master of all {inventory.Shards.Count} shards");
    }
}
