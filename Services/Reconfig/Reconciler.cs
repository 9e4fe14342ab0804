using Microsoft.Extensions.Logging;
using RedisHaLab.Topology;

namespace RedisHaLab.Reconfig;

/// <summary>
/// Compares what the proxy runs with what a majority of Sentinels say, shard by shard, and repairs it. Announcements
/// can be missed (the service was down, a Sentinel connection was being re-made); asking again cannot. A majority's
/// answer is a claim like any other: it changes the proxy only once <see cref="ClaimVerifier"/> trusts it.
/// </summary>
internal sealed class Reconciler(Inventory inventory, ISentinels sentinels, ClaimHandler claims, ILogger<Reconciler> logger)
{
    // Shards whose last pass found no majority: the warning is logged when that starts and when it ends, not every pass.
    private readonly HashSet<string> _undecided = [];

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
    }
}
