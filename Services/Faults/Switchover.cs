using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.Faults;

/// <summary>What one planned switchover did and how long writes to the shard were held.</summary>
/// <param name="Shard">The shard.</param>
/// <param name="From">The master before.</param>
/// <param name="To">The master after.</param>
/// <param name="WritePause">From <c>CLIENT PAUSE</c> to <c>CLIENT UNPAUSE</c>: the longest any write of the shard was held.</param>
/// <param name="CatchUp">Of that, until the replica had the master's whole offset.</param>
/// <param name="Promotion">Of that, from <c>SENTINEL FAILOVER</c> until the Sentinels named the new master.</param>
/// <param name="ProxyFollow">Of that, until a key written through the front door landed on the new master.</param>
public sealed record SwitchoverOutcome(string Shard, RedisInstance From, RedisInstance To, TimeSpan WritePause, TimeSpan CatchUp, TimeSpan Promotion, TimeSpan ProxyFollow)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Shard}: {From.Name} -> {To.Name}; writes paused {WritePause.TotalMilliseconds:0} ms (replica caught up {CatchUp.TotalMilliseconds:0} ms, " +
        $"promoted {Promotion.TotalMilliseconds:0} ms, proxy followed {ProxyFollow.TotalMilliseconds:0} ms)";
}

/// <summary>
/// A planned switchover that loses no acknowledged write, for Redis 7 and Sentinel, which have none of their own: hold
/// writes on the master (<c>CLIENT PAUSE ms WRITE</c>), wait until the replica has the master's whole offset, ask for
/// <c>SENTINEL FAILOVER</c>, wait until a key written through the front door lands on the new master, make the old
/// master the new one's replica and drop its client connections (the proxy's, whose held writes must never run there),
/// and release the pause. The stages and what an abort does in each are <see cref="SwitchoverProcedure"/>'s; this class
/// finds the pair to switch and acts on the lab (<see cref="LabSwitchoverActions"/>).
/// </summary>
public sealed class Switchover(ChaosLab lab)
{
    /// <summary>The pause given to the server: the most writes can be held whatever happens here.</summary>
    public static readonly TimeSpan PauseBound = SwitchoverBounds.Lab.Pause;

    // An old master just demoted needs a full resync before it can take over again. (Declared before Within, which adds it.)
    private static readonly TimeSpan ReadyWithin = TimeSpan.FromSeconds(45);

    /// <summary>The longest a switchover may take, waiting first for a replica fit to take over included.</summary>
    public static readonly TimeSpan Within = ReadyWithin + PauseBound;

    /// <summary>Switches <paramref name="shard"/>'s master over to its replica.</summary>
    /// <exception cref="ChaosException">A stage stalled; the message says what the abort did (see <see cref="SwitchoverProcedure"/>).</exception>
    public async Task<SwitchoverOutcome> RunAsync(Shard shard, CancellationToken cancellationToken)
    {
        var (master, replica) = await ReadyPairAsync(shard, cancellationToken);
        await using var actions = await LabSwitchoverActions.OpenAsync(lab, shard, master, replica);
        var times = await new SwitchoverProcedure(actions, SwitchoverBounds.Lab).RunAsync(shard.Name, cancellationToken);
        return new SwitchoverOutcome(shard.Name, master, times.Promoted, times.WritePause, times.CatchUp, times.Promotion, times.ProxyFollow);
    }

    /// <summary>Waits (bounded) until the shard's master has a replica with its link up, caught up to within a moment.</summary>
    private async Task<(RedisInstance Master, RedisInstance Replica)> ReadyPairAsync(Shard shard, CancellationToken cancellationToken)
    {
        RedisInstance? master = null;
        RedisInstance? replica = null;
        await SwitchoverProcedure.UntilAsync(async () =>
        {
            master = (await lab.Masters.OfAsync(shard)).Instance;
            if (master is null)
            {
                return $"{shard.Name} has no master now";
            }
            foreach (var candidate in shard.Replicas.Prepend(shard.Master).Where(i => i != master))
            {
                if ((await RedisProbe.ReplicationAsync(candidate, lab.Endpoints, lab.Password)).IsReplicaOf(master))
                {
                    replica = candidate;
                    // The Sentinels must see it fit too (a replica just demoted from master waits for their next INFO of
                    // it), or SENTINEL FAILOVER is refused with NOGOODSLAVE: waited for here, before any write is held.
                    var verdicts = await lab.Sentinels.PromotionVerdictsAsync(shard, candidate);
                    return verdicts.Count(v => v.Unfit is null) >= lab.Inventory.Sentinels.Quorum
                        ? null
                        : $"too few Sentinels would promote {candidate.Name} yet: {string.Join("; ", verdicts.Select(v => $"{v.Sentinel}: {v.Unfit ?? "fit"}"))}";
                }
            }
            return $"no replica of {master.Name} has its link up";
        }, ReadyWithin, TimeSpan.FromMilliseconds(250), cancellationToken);
        return (master!, replica!);
    }
}
