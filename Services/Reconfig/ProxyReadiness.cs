using RedisHaLab.Topology;

namespace RedisHaLab.Reconfig;

/// <summary>Whether the load balancer may send clients to this service's proxy, whether the proxy is protected, and why.</summary>
/// <param name="IsUp">True only when the proxy runs, for every shard, the master this service verified last, and serves.</param>
/// <param name="Reason">One line for logs and the load balancer's check (e.g. which shard is stale and where it points).</param>
/// <param name="IsProtected">
/// True when, on top of that, a write through the proxy reaches a master on every shard and a Sentinel majority answers
/// for every shard, so a failover would be followed: what "ready" means for the lab.
/// </param>
/// <param name="AcceptingSinceUtc">
/// When the nutcracker process that runs the verified masters began accepting (its record), for <see cref="ProxyReadiness.WithServing"/>;
/// null: not known.
/// </param>
internal sealed record Readiness(bool IsUp, string Reason, bool IsProtected = false, DateTime? AcceptingSinceUtc = null)
{
    /// <summary>
    /// The answer on the readiness port: <c>up protected</c>, <c>up unprotected</c> or <c>down</c>, then the reason.
    /// HAProxy's check reads the first word only: a proxy that serves stays in rotation while its control plane is away.
    /// </summary>
    public string Answer => $"{(IsUp ? IsProtected ? "up protected" : "up unprotected" : "down")} {Reason}\n";
}

/// <summary>
/// The rule that keeps a stale proxy out of the load balancer: the proxy is ready only when what it <em>runs</em> (its
/// supervisor's running record, not the file this service wrote) sends every shard to the master this service last
/// verified for it (a Sentinel's claim that passed shard, epoch and ROLE checks). Until every shard has such a master
/// (a reconfig service that just started has asked no Sentinel yet), the answer is down: unknown is not current.
/// </summary>
internal static class ProxyReadiness
{
    /// <summary>Decides readiness from the verified masters by shard name and what the proxy runs (<paramref name="look"/>, from its running record).</summary>
    public static Readiness Decide(Inventory inventory, IReadOnlyDictionary<string, MasterAddress> verifiedMasters, RunningLook look)
    {
        if (look.Running is not { Config: var running })
        {
            return new(false, look.Problem ?? RunningConfigView.NotReported);
        }
        foreach (var shard in inventory.Shards)
        {
            if (!verifiedMasters.TryGetValue(shard.Name, out var master))
            {
                return new(false, $"no verified master for shard {shard.Name} yet");
            }
            switch (ProxyConfigTransform.Retarget(running, inventory, shard, master))
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
        return new(true, $"runs the verified master of all {inventory.Shards.Count} shards", AcceptingSinceUtc: look.AcceptingSinceUtc);
    }

    /// <summary>How old the last probe through the proxy may be and still count (probes run every second).</summary>
    public static readonly TimeSpan ServingFreshness = TimeSpan.FromSeconds(3);

    /// <summary>
    /// <paramref name="current"/> (from <see cref="Decide"/>) with what the proxy did when written through
    /// (<paramref name="serving"/>, the last probe of each shard) and the shards the last reconcile found no Sentinel
    /// majority for (<paramref name="withoutMajority"/>, null before the first pass). A proxy that serves no shard is
    /// down (a dead nutcracker whose running record is still on disk); one that serves some is up but not protected.
    /// Protected also needs every shard served by a write sent after the running process began accepting: a probe
    /// answered by the process an apply or a restart replaced vouches for nothing that runs now.
    /// </summary>
    public static Readiness WithServing(Readiness current, IReadOnlyList<ServingResult>? serving, IReadOnlySet<string>? withoutMajority, DateTime nowUtc)
    {
        if (!current.IsUp)
        {
            return current;
        }
        if (serving is null || serving.Count == 0)
        {
            return new(false, $"{current.Reason}, but no write has been tried through it yet");
        }
        var fresh = serving.Where(r => nowUtc - r.AtUtc <= ServingFreshness).ToList();
        if (fresh.Count == 0)
        {
            return new(false, $"{current.Reason}, but the last write through it is older than {ServingFreshness.TotalSeconds:0} s");
        }
        var failed = fresh.Where(r => !r.Served).ToList();
        if (failed.Count == fresh.Count)
        {
            return new(false, $"{current.Reason}, but it serves no shard: {string.Join("; ", failed.Select(f => $"{f.Label}: {f.Problem}"))}");
        }
        if (failed.Count > 0)
        {
            return new(true, $"{current.Reason}; not served: {string.Join("; ", failed.Select(f => $"{f.Label}: {f.Problem}"))}");
        }
        var sinceUtc = current.AcceptingSinceUtc ?? DateTime.MaxValue;
        if (fresh.Any(r => r.Sent < sinceUtc))
        {
            var since = sinceUtc == DateTime.MaxValue ? "no process accepts on it yet"
                : $"the process that runs it began accepting at {sinceUtc:HH:mm:ss.fff}, after the last write through it";
            return new(true, $"{current.Reason}; {since}");
        }
        if (withoutMajority is null)
        {
            return new(true, $"{current.Reason} and serves them; the Sentinels have not been asked yet");
        }
        if (withoutMajority.Count > 0)
        {
            return new(true, $"{current.Reason} and serves them; no Sentinel majority for {string.Join(", ", withoutMajority.Order())}, so a failover there would not be followed");
        }
        return new(true, $"{current.Reason} and serves them; a Sentinel majority answers for every shard", IsProtected: true);
    }
}
