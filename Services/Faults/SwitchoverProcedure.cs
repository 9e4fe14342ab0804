using System.Diagnostics;
using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.Faults;

/// <summary>
/// What a planned switchover does to the lab, one call per act: the seam between <see cref="SwitchoverProcedure"/>'s
/// order of stages and the servers (<see cref="LabSwitchoverActions"/>); unit tests replace it.
/// </summary>
public interface ISwitchoverActions
{
    /// <summary>Holds writes on the master (<c>CLIENT PAUSE ms WRITE</c>); the server ends the pause by itself after <paramref name="bound"/>.</summary>
    Task PauseWritesAsync(TimeSpan bound);

    /// <summary>Null when the replica has the master's whole offset, else what is behind.</summary>
    Task<string?> ReplicaBehindAsync();

    /// <summary>Asks for <c>SENTINEL FAILOVER</c>; null when a Sentinel accepted, else why none did.</summary>
    Task<string?> RequestFailoverAsync();

    /// <summary>The instance the Sentinels name now, when it is not the old master and answers <c>ROLE master</c>; else null and what was seen.</summary>
    Task<(RedisInstance? Promoted, string Seen)> PromotedAsync();

    /// <summary>Null when keys written through the front door land on <paramref name="promoted"/>, else what the keys showed.</summary>
    Task<string?> ProxyProblemAsync(RedisInstance promoted, TimeSpan within);

    /// <summary>The replica, when it answers <c>ROLE master</c> now (asked of it, not of the Sentinels); else null.</summary>
    Task<RedisInstance?> ReplicaIfPromotedAsync();

    /// <summary>Makes the old master a replica of <paramref name="promoted"/> (<c>REPLICAOF</c>) and drops its normal clients, still paused.</summary>
    Task DemoteOldMasterAsync(RedisInstance promoted);

    /// <summary><c>CLIENT UNPAUSE</c> on the old master; says whether it took or that the pause ends on its own.</summary>
    Task<string> ReleaseAsync();
}

/// <summary>How long each stage of a switchover may take (see <see cref="SwitchoverProcedure"/>).</summary>
/// <param name="Pause">The pause given to the server: the most writes can be held whatever happens here.</param>
/// <param name="CatchUp">Until the replica has the master's whole offset.</param>
/// <param name="FailoverAccepted">Until a Sentinel accepts <c>SENTINEL FAILOVER</c> (one refuses until its INFO shows the replica fit).</param>
/// <param name="Promotion">Until the Sentinels name the replica and it answers as master.</param>
/// <param name="Poll">Between two looks at a stage's condition.</param>
public sealed record SwitchoverBounds(TimeSpan Pause, TimeSpan CatchUp, TimeSpan FailoverAccepted, TimeSpan Promotion, TimeSpan Poll)
{
    /// <summary>The lab's bounds: a 10 s pause, of which Sentinel's own promotion takes about 1.2 s on this machine.</summary>
    public static SwitchoverBounds Lab { get; } = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromMilliseconds(20));

    // Left of the pause for the last acts (demote, release) once the proxy's wait gives up.
    internal TimeSpan Margin => TimeSpan.FromTicks(Pause.Ticks / 10);
}

/// <summary>How long one switchover held writes, by stage.</summary>
/// <param name="WritePause">From the pause to its release.</param>
/// <param name="CatchUp">Of that, until the replica had the master's whole offset.</param>
/// <param name="Promotion">Of that, from <c>SENTINEL FAILOVER</c> until the Sentinels named the new master.</param>
/// <param name="ProxyFollow">Of that, until a key written through the front door landed on the new master.</param>
/// <param name="Promoted">The new master.</param>
public sealed record SwitchoverTimes(TimeSpan WritePause, TimeSpan CatchUp, TimeSpan Promotion, TimeSpan ProxyFollow, RedisInstance Promoted);

/// <summary>
/// The order of a switchover's stages, and what an abort must do in each. Before <c>SENTINEL FAILOVER</c> is asked for,
/// an abort only releases the pause: nothing moved. From then on the Sentinels may promote the replica at any moment,
/// and the old master, released, would acknowledge every held write and lose it when it is demoted seconds later. So an
/// abort first finds out whether the replica was promoted (by its own ROLE answer, within what is left of the pause): if
/// it was, the old master is made its replica and its clients dropped before the release, and held writes fail instead of
/// running on a doomed master; if the demotion itself fails, the pause is not released early but left to end on the
/// server, the most the held writes can wait anyway.
/// </summary>
public sealed class SwitchoverProcedure(ISwitchoverActions actions, SwitchoverBounds bounds)
{
    /// <summary>Runs the switchover of <paramref name="shard"/> (its master and replica are the actions').</summary>
    /// <exception cref="ChaosException">A stage stalled or failed; the message says which and what the abort did.</exception>
    public async Task<SwitchoverTimes> RunAsync(string shard, CancellationToken cancellationToken)
    {
        var stage = "pausing writes";
        var paused = Stopwatch.StartNew();
        var failoverAsked = false;
        RedisInstance? promoted = null;
        try
        {
            await actions.PauseWritesAsync(bounds.Pause);

            stage = "waiting for the replica to have the master's whole offset";
            await UntilAsync(actions.ReplicaBehindAsync, bounds.CatchUp, bounds.Poll, cancellationToken);
            var caughtUp = paused.Elapsed;

            stage = "asking for SENTINEL FAILOVER";
            // Counted as asked before the first request: a request whose answer was lost may still have been taken.
            failoverAsked = true;
            await UntilAsync(actions.RequestFailoverAsync, bounds.FailoverAccepted, TimeSpan.FromTicks(Math.Max(bounds.Poll.Ticks, TimeSpan.FromMilliseconds(100).Ticks)), cancellationToken);

            stage = "waiting for the Sentinels to name the new master";
            await UntilAsync(async () =>
            {
                (promoted, var seen) = await actions.PromotedAsync();
                return promoted is null ? seen : null;
            }, bounds.Promotion, bounds.Poll, cancellationToken);
            var promotedAt = paused.Elapsed;

            stage = "waiting for the proxy to send the shard to the new master";
            var newMaster = promoted!;
            var proxyWithin = bounds.Pause - bounds.Margin - paused.Elapsed;
            await UntilAsync(() => actions.ProxyProblemAsync(newMaster, Min(TimeSpan.FromSeconds(1), bounds.Pause - bounds.Margin - paused.Elapsed)), proxyWithin, bounds.Poll, cancellationToken);
            var followedAt = paused.Elapsed;

            // Writes the proxy sent before it moved may still be held on the old master: they must never run there.
            stage = "demoting the old master";
            await actions.DemoteOldMasterAsync(newMaster);
            await actions.ReleaseAsync();
            paused.Stop();
            return new SwitchoverTimes(paused.Elapsed, caughtUp, promotedAt - caughtUp, followedAt - promotedAt, newMaster);
        }
        catch (Exception e) when (e is ChaosException or StackExchange.Redis.RedisException or TimeoutException or OperationCanceledException)
        {
            var undone = failoverAsked ? await DemoteIfPromotedAsync(promoted, paused) : (Release: true, Note: "no failover was asked for");
            var released = undone.Release ? await actions.ReleaseAsync() : $"the pause is left to end on the server within {bounds.Pause.TotalSeconds:0} s";
            throw new ChaosException($"switchover of {shard} aborted while {stage} after {paused.Elapsed.TotalMilliseconds:0} ms: {e.Message}; {undone.Note}; {released}", e);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>
    /// After <c>SENTINEL FAILOVER</c> was asked for: whether the replica took over (by its ROLE, waiting within what is left
    /// of the pause), and if so the old master demoted to it. Says whether the pause may be released now.
    /// </summary>
    private async Task<(bool Release, string Note)> DemoteIfPromotedAsync(RedisInstance? promoted, Stopwatch paused)
    {
        try
        {
            var target = await actions.ReplicaIfPromotedAsync() ?? promoted;
            while (target is null && paused.Elapsed < bounds.Pause - bounds.Margin)
            {
                await Task.Delay(bounds.Poll, CancellationToken.None);
                target = await actions.ReplicaIfPromotedAsync();
            }
            if (target is null)
            {
                return (true, "the replica was never promoted, so the old master keeps the shard");
            }
            await actions.DemoteOldMasterAsync(target);
            return (true, $"the old master was made a replica of {target.Name} and its clients dropped before the release, so held writes fail rather than run on it");
        }
        catch (Exception e) when (e is ChaosException or StackExchange.Redis.RedisException or TimeoutException)
        {
            return (false, $"the replica may have been promoted, and demoting the old master failed ({e.Message})");
        }
    }

    /// <summary>
    /// Polls <paramref name="check"/> until it returns null, for at most <paramref name="within"/>. A check that itself
    /// runs past that is abandoned (it may be waiting on the paused master): the stages after it, demotion and release,
    /// must run while the server still holds the pause. <see cref="Switchover"/> waits for a ready pair with it too.
    /// </summary>
    internal static async Task UntilAsync(Func<Task<string?>> check, TimeSpan within, TimeSpan poll, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string? problem;
        while (true)
        {
            var left = within - clock.Elapsed;
            try
            {
                problem = await check().WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken);
            }
            catch (TimeoutException)
            {
                throw new ChaosException($"not within {within.TotalMilliseconds:0} ms: the last look did not answer in time");
            }
            if (problem is null)
            {
                return;
            }
            if (clock.Elapsed >= within)
            {
                throw new ChaosException($"not within {within.TotalMilliseconds:0} ms: {problem}");
            }
            await Task.Delay(poll, cancellationToken);
        }
    }
}
