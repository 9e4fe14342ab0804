using Microsoft.Extensions.Logging;
using RedisHaLab.Topology;

namespace RedisHaLab.Reconfig;

/// <summary>
/// Compares what the proxy runs with what a majority of Sentinels say, shard by shard, and repairs it. Announcements
/// can be missed (the service was down, a Sentinel connection was being re-made); asking again cannot. A majority's
/// answer is a claim like any other: it changes the proxy only once <see cref="ClaimVerifier"/> trusts it.
/// </summary>
/// <remarks>
/// Without a majority nothing may <em>change</em> the proxy, but the proxy keeps serving: the data plane outlives its
/// control plane. For such a shard the pass vouches for the master the proxy runs when the instances themselves
/// confirm it (it says ROLE master and no other instance of the shard says so without its having taken over from
/// it), so a restarted service, or a proxy-HA lab that lost two Sentinels, keeps its proxies in rotation.
/// </remarks>
internal sealed class Reconciler(Inventory inventory, ISentinels sentinels, ClaimHandler claims, ClaimVerifier verifier,
    ProxyReconfigurator reconfigurator, ILogger<Reconciler> logger)
{
    // Shards whose last pass found no majority: the warning is logged when that starts and when it ends, not every pass.
    private readonly HashSet<string> _undecided = [];

    // Shards whose running master the data plane did not confirm in the last pass without a majority: logged once.
    private readonly HashSet<string> _unvouched = [];

    // Read by the readiness agent from its own threads: a fresh immutable copy after each pass.
    private volatile IReadOnlySet<string>? _withoutMajority;

    /// <summary>Shards the last pass found no Sentinel majority for (null before the first pass): no failover of theirs would be followed.</summary>
    public IReadOnlySet<string>? WithoutMajority => _withoutMajority;

    /// <summary>One pass over every shard; <paramref name="reason"/> says what asked for it.</summary>
    public async Task RunOnceAsync(string reason, CancellationToken cancellationToken)
    {
        logger.LogDebug("Reconciling the proxy with the Sentinels ({Reason})", reason);
        // Every shard's question goes out at once; the answers are then acted on one shard at a time.
        var answers = await Task.WhenAll(inventory.Shards.Select(s => sentinels.AskMasterAsync(s.SentinelMasterName)));
        for (var i = 0; i < inventory.Shards.Count; i++)
        {
            var shard = inventory.Shards[i];
            var decision = MajorityVote.Decide(answers[i], sentinels.Count);
            if (decision.Master is null)
            {
                logger.Log(_undecided.Add(shard.Name) ? LogLevel.Warning : LogLevel.Debug,
                    "No majority for shard {Shard} ({MasterName}): {Votes} of {Needed} needed agree; proxy left alone. Answers: {Answers}",
                    shard.Name, shard.SentinelMasterName, decision.Votes, decision.Needed, decision.Summary);
                await VouchAsync(shard, cancellationToken);
                continue;
            }
            if (_undecided.Remove(shard.Name))
            {
                logger.LogInformation("Majority for shard {Shard} ({MasterName}) again: {Votes} Sentinels name {Master}",
                    shard.Name, shard.SentinelMasterName, decision.Votes, decision.Master);
            }
            await claims.HandleAsync(new MasterClaim(shard.SentinelMasterName, decision.Master, decision.ConfigEpoch, null,
                ReconfigTrigger.Reconcile, $"{decision.Votes} of {sentinels.Count} Sentinels ({reason})"), cancellationToken);
        }
        _withoutMajority = _undecided.ToHashSet();
    }

    /// <summary>
    /// At start, before any Sentinel is asked: vouches for what the proxy runs wherever the data plane confirms it, so a
    /// restarted service is back in rotation within its start-up, whatever the Sentinels' state.
    /// </summary>
    public async Task VouchAllAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var shard in inventory.Shards)
            {
                await VouchAsync(shard, cancellationToken);
            }
        }
        finally
        {
            _startupVouched.TrySetResult();
        }
    }

    private readonly TaskCompletionSource _startupVouched = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Completes once the start-up pass of <see cref="VouchAllAsync"/> is done: before that a readiness answer would
    /// say "down" for a proxy that serves, and the load balancer would act on it.
    /// </summary>
    public Task StartupVouched => _startupVouched.Task;

    /// <summary>Vouches for the master the proxy runs for <paramref name="shard"/> when the data plane confirms it; changes nothing.</summary>
    private async Task VouchAsync(Shard shard, CancellationToken cancellationToken)
    {
        var running = await reconfigurator.RunningMasterAsync(shard, cancellationToken);
        if (running is null)
        {
            return;
        }
        var facts = await verifier.AskShardAsync(shard, cancellationToken);
        var own = facts.GetValueOrDefault(running);
        var evidence = ShardEvidence.Judge(shard, running, facts, verifier.Applied.GetValueOrDefault(shard.Name)?.ReplId);
        if (own is { IsMaster: true } && evidence.Kind != EvidenceKind.Contradicted)
        {
            if (reconfigurator.Vouch(shard, running, evidence.Reason) | _unvouched.Remove(shard.Name))
            {
                logger.LogInformation("Vouched on the data plane, without a Sentinel majority: the proxy keeps shard {Shard} on {Master}, which says ROLE master ({Why})",
                    shard.Name, running.Name, evidence.Reason);
            }
            return;
        }
        if (_unvouched.Add(shard.Name))
        {
            logger.LogWarning("Cannot vouch for shard {Shard} on the data plane: the proxy runs it on {Master}, which {Fact}; without a Sentinel majority nothing is changed",
                shard.Name, running.Name, own is null ? "does not answer" : own.IsMaster ? evidence.Reason : $"says ROLE {own.Role}");
        }
    }
}
