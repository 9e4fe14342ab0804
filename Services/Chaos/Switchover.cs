using System.Diagnostics;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.Chaos;

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
/// and release the pause. Every stage
/// is bounded; on any stall it aborts and releases the pause, and the pause itself expires on the server after
/// <see cref="PauseBound"/> even if this process dies.
/// </summary>
public sealed class Switchover(ChaosLab lab)
{
    /// <summary>The pause given to the server: the most writes can be held whatever happens here.</summary>
    public static readonly TimeSpan PauseBound = TimeSpan.FromSeconds(10);

    // An old master just demoted needs a full resync before it can take over again. (Declared before Within, which adds it.)
    private static readonly TimeSpan ReadyWithin = TimeSpan.FromSeconds(45);

    /// <summary>The longest a switchover may take, waiting first for a replica fit to take over included.</summary>
    public static readonly TimeSpan Within = ReadyWithin + PauseBound;
    private static readonly TimeSpan CatchUpWithin = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan FailoverAcceptedWithin = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan PromotionWithin = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    /// <summary>Switches <paramref name="shard"/>'s master over to its replica.</summary>
    /// <exception cref="ChaosException">A stage stalled; the pause has been released.</exception>
    public async Task<SwitchoverOutcome> RunAsync(Shard shard, CancellationToken cancellationToken)
    {
        var (master, replica) = await ReadyPairAsync(shard, cancellationToken);
        // Opened before the pause, while the proxy is steady: during the switchover it restarts, refusing new connections
        // for a moment, and this one reconnects on its own.
        await using var proxy = await LabClients.ProxyAsync(LabEndpoints.FrontDoor(lab.Inventory), lab.Password);
        var masterEndpoint = LabEndpoints.Of(master);
        await using var admin = await LabClients.RedisAsync(masterEndpoint, lab.Password);
        var server = admin.GetServer(masterEndpoint);
        var stage = "pausing writes";
        var paused = Stopwatch.StartNew();
        try
        {
            await server.ExecuteAsync("CLIENT", "PAUSE", ((long)PauseBound.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture), "WRITE");

            stage = "waiting for the replica to have the master's whole offset";
            await UntilAsync(async () =>
            {
                var (m, r) = (await RedisProbe.ReplicationAsync(master, lab.Password), await RedisProbe.ReplicationAsync(replica, lab.Password));
                return m.IsMaster && r.IsReplicaOf(master) && r.Offset >= m.Offset ? null : $"{master.Name} {m}; {replica.Name} {r}";
            }, CatchUpWithin, cancellationToken);
            var caughtUp = paused.Elapsed;

            stage = "asking for SENTINEL FAILOVER";
            // A Sentinel refuses while it has not seen the replica fit yet (its INFO is refreshed every few seconds).
            await UntilAsync(async () =>
            {
                try
                {
                    await lab.Faults.ManualFailoverAsync(shard);
                    return null;
                }
                catch (ChaosException e)
                {
                    return e.Message;
                }
            }, FailoverAcceptedWithin, cancellationToken, TimeSpan.FromMilliseconds(100));
            stage = "waiting for the Sentinels to name the new master";
            RedisInstance? promoted = null;
            await UntilAsync(async () =>
            {
                var vote = await lab.Sentinels.MasterOfAsync(shard);
                promoted = vote.Master is { } m && m != master && await RedisProbe.RoleAsync(m, lab.Password) == "master" ? m : null;
                return promoted is null ? $"the Sentinels name {vote}" : null;
            }, PromotionWithin, cancellationToken);
            var promotedAt = paused.Elapsed;

            stage = "waiting for the proxy to send the shard to the new master";
            var masters = new Dictionary<Shard, RedisInstance>(await OtherMastersAsync(shard)) { [shard] = promoted! };
            ConnectionMultiplexer? fresh = null;
            try
            {
                await UntilAsync(async () =>
                {
                    // When the proxy restarted under the connection (the probe's writes fail, or it throws): every
                    // write is held until this probe succeeds, so the next try goes over a new connection at once
                    // instead of waiting for the client's own reconnect, which its once-a-second heartbeat starts
                    // (measured: 0.7-0.9 s of a 2 s pause).
                    string? problem;
                    try
                    {
                        problem = await RoutingProbe.ProblemAsync((fresh ?? proxy).GetDatabase(), shard, masters, TimeSpan.FromSeconds(1), lab.Password);
                    }
                    catch (Exception e) when (LabClients.IsUnreachable(e))
                    {
                        problem = e.Message;
                    }
                    if (problem is not null && !(fresh ?? proxy).IsConnected)
                    {
                        fresh = await ReconnectAsync(fresh);
                    }
                    return problem;
                }, PauseBound - paused.Elapsed - TimeSpan.FromSeconds(1), cancellationToken);
            }
            finally
            {
                if (fresh is not null)
                {
                    await fresh.DisposeAsync();
                }
            }
            var followedAt = paused.Elapsed;

            // Writes the proxy sent before it moved may still be held on the old master: they must never run there. So,
            // still paused, it becomes the new master's replica (what Sentinel would tell it seconds later; from now on
            // it refuses writes) and its normal clients, the proxy's old connections among them, are dropped.
            stage = "demoting the old master";
            await server.ExecuteAsync("REPLICAOF", promoted!.Name, promoted.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await server.ExecuteAsync("CLIENT", "KILL", "TYPE", "normal");
            await server.ExecuteAsync("CLIENT", "UNPAUSE");
            paused.Stop();
            return new SwitchoverOutcome(shard.Name, master, promoted!, paused.Elapsed, caughtUp, promotedAt - caughtUp, followedAt - promotedAt);
        }
        catch (Exception e) when (e is ChaosException or RedisException or TimeoutException or OperationCanceledException)
        {
            var released = await ReleaseAsync(server);
            throw new ChaosException($"switchover of {shard.Name} aborted while {stage} after {paused.Elapsed.TotalMilliseconds:0} ms: {e.Message}; {released}", e);
        }
    }

    /// <summary>Waits (bounded) until the shard's master has a replica with its link up, caught up to within a moment.</summary>
    private async Task<(RedisInstance Master, RedisInstance Replica)> ReadyPairAsync(Shard shard, CancellationToken cancellationToken)
    {
        RedisInstance? master = null;
        RedisInstance? replica = null;
        await UntilAsync(async () =>
        {
            master = (await lab.Masters.OfAsync(shard)).Instance;
            if (master is null)
            {
                return $"{shard.Name} has no master now";
            }
            foreach (var candidate in shard.Replicas.Prepend(shard.Master).Where(i => i != master))
            {
                if ((await RedisProbe.ReplicationAsync(candidate, lab.Password)).IsReplicaOf(master))
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
        }, ReadyWithin, cancellationToken, TimeSpan.FromMilliseconds(250));
        return (master!, replica!);
    }

    /// <summary>A new quick connection to the front door in place of <paramref name="previous"/>; null while the proxy refuses one.</summary>
    private async Task<ConnectionMultiplexer?> ReconnectAsync(ConnectionMultiplexer? previous)
    {
        if (previous is not null)
        {
            await previous.DisposeAsync();
        }
        try
        {
            return await LabClients.ProxyQuickAsync(LabEndpoints.FrontDoor(lab.Inventory), lab.Password);
        }
        catch (Exception e) when (LabClients.IsUnreachable(e))
        {
            return null;
        }
    }

    private async Task<IReadOnlyDictionary<Shard, RedisInstance>> OtherMastersAsync(Shard shard)
    {
        var masters = new Dictionary<Shard, RedisInstance>();
        foreach (var other in lab.Inventory.Shards.Where(s => s != shard))
        {
            masters[other] = await lab.Masters.RequireAsync(other);
        }
        return masters;
    }

    private static async Task<string> ReleaseAsync(IServer server)
    {
        try
        {
            await server.ExecuteAsync("CLIENT", "UNPAUSE");
            return "the pause is released";
        }
        catch (Exception e) when (LabClients.IsUnreachable(e))
        {
            return $"CLIENT UNPAUSE failed ({e.Message}); the pause ends on its own within {PauseBound.TotalSeconds:0} s";
        }
    }

    private static async Task UntilAsync(Func<Task<string?>> check, TimeSpan within, CancellationToken cancellationToken, TimeSpan? poll = null)
    {
        var clock = Stopwatch.StartNew();
        string? problem;
        while ((problem = await check()) is not null)
        {
            if (clock.Elapsed >= within)
            {
                throw new ChaosException($"not within {within.TotalMilliseconds:0} ms: {problem}");
            }
            await Task.Delay(poll ?? Poll, cancellationToken);
        }
    }
}
