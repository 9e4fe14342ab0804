using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RedisHaLab.Topology;

namespace RedisHaLab.Reconfig;

/// <summary>The one path from a claim to the proxy: verify, apply what is trusted, remember its epoch; refuse the rest aloud.</summary>
internal sealed class ClaimHandler(ClaimVerifier verifier, ProxyReconfigurator reconfigurator, ISentinels sentinels,
    VerifiedState verifiedState, ReconfigTelemetry telemetry, ILogger<ClaimHandler> logger)
{
    /// <summary>
    /// Acts on a Sentinel's <c>+switch-master</c>. Repeats go through too: they find nothing to do, unless the first
    /// one failed. The announcing Sentinel is asked at once for the epoch that orders the claim.
    /// </summary>
    public async Task<ApplyOutcome?> HandleAnnouncementAsync(SwitchMasterEvent announcement, string sentinel, CancellationToken cancellationToken)
    {
        var asked = Stopwatch.GetTimestamp();
        // The round trips (the Sentinel for the epoch, the shard's instances for their facts) go out together.
        var facts = verifier.AskEarly(announcement.MasterName, announcement.NewMaster, cancellationToken);
        var current = await sentinels.AskOneAsync(sentinel, announcement.MasterName);
        return await HandleAsync(FromAnnouncement(announcement, sentinel, current), cancellationToken, Stopwatch.GetElapsedTime(asked), facts);
    }

    /// <summary>Acts on <paramref name="claim"/> if, and only if, <see cref="ClaimVerifier"/> trusts it.</summary>
    /// <param name="claim">What is claimed.</param>
    /// <param name="cancellationToken">Stops the wait for the proxy.</param>
    /// <param name="epochLookup">Time already spent learning the claim's epoch, for the log of what the checks cost.</param>
    /// <param name="factsAskedEarly">The shard's replication facts, when they were asked alongside the epoch.</param>
    public async Task<ApplyOutcome?> HandleAsync(MasterClaim claim, CancellationToken cancellationToken, TimeSpan epochLookup = default,
        Task<IReadOnlyDictionary<RedisInstance, ReplicationFacts?>>? factsAskedEarly = null)
    {
        var checking = Stopwatch.GetTimestamp();
        var verdict = await verifier.VerifyAsync(claim, cancellationToken, factsAskedEarly);
        var checks = Stopwatch.GetElapsedTime(checking);
        switch (verdict)
        {
            case ClaimVerdict.Refused refused:
                telemetry.Refused(refused.Shard?.Name ?? claim.MasterName, refused.Check, claim.TriggerName);
                logger.LogWarning("Refused: {MasterName} -> {Address} ({Trigger} from {Source}), check {Check}: {Reason}; the proxy is left as it is",
                    claim.MasterName, claim.Address, claim.TriggerName, claim.Source, refused.Check, refused.Reason);
                return null;
            case ClaimVerdict.Trusted { Decision: var decision }:
                var evidence = decision.Evidence;
                if (evidence.Reset)
                {
                    // Sentinels rebuilt from their config, or a hand re-point: the epochs start again lower. The facts decide.
                    logger.LogWarning("Reset followed: {MasterName} -> {Address} at config epoch {Epoch}, lower than epoch {Applied} applied before ({Source}); trusted because {Why}",
                        claim.MasterName, decision.Address, evidence.ConfigEpoch, verifier.AppliedEpoch(decision.Shard), evidence.Source, evidence.Why);
                }
                logger.Log(evidence.Trigger == ReconfigTrigger.Event ? LogLevel.Information : LogLevel.Debug,
                    "Trusted: {MasterName} -> {Address} at epoch {Epoch} ({Source}): {Why}; epoch and facts asked in {LookupMs:F2} ms, checks done {ChecksMs:F2} ms later",
                    claim.MasterName, decision.Address, evidence.ConfigEpoch, evidence.Source, evidence.Why, epochLookup.TotalMilliseconds, checks.TotalMilliseconds);
                // The decision goes on as the verifier made it: the proxy side neither looks the shard up nor re-reads the claim.
                var outcome = await reconfigurator.ApplyAsync(decision, cancellationToken);
                if (outcome is ApplyOutcome.Applied or ApplyOutcome.Unchanged && verifier.Remember(decision))
                {
                    // Beside the proxy's running report, so a restarted service starts from what was verified.
                    await verifiedState.SaveAsync(verifier.Applied, cancellationToken);
                }
                return outcome;
            default:
                throw new System.Diagnostics.UnreachableException();
        }
    }

    /// <summary>
    /// The claim an announcement makes. <c>+switch-master</c> carries no epoch, so the announcing Sentinel is asked
    /// at once: when it still names the announced master, its config epoch orders the claim; when it names another
    /// one now, the announcement is old news and gets no epoch (and is refused).
    /// </summary>
    public static MasterClaim FromAnnouncement(SwitchMasterEvent announcement, string sentinel, SentinelAnswer current) =>
        current.Master is not null && current.Master.Equals(announcement.NewMaster)
            ? new MasterClaim(announcement.MasterName, announcement.NewMaster, current.ConfigEpoch, announcement.OldMaster,
                ReconfigTrigger.Event, $"{sentinel}'s +switch-master")
            : new MasterClaim(announcement.MasterName, announcement.NewMaster, null, announcement.OldMaster, ReconfigTrigger.Event,
                $"{sentinel}'s +switch-master, which it no longer confirms ({current})");
}
