using RedisHaLab.Topology;

namespace RedisHaLab.Reconfig;

/// <summary>What made the service look at a shard: a Sentinel's announcement, or the periodic comparison with all Sentinels.</summary>
internal enum ReconfigTrigger
{
    /// <summary>A <c>+switch-master</c> message.</summary>
    Event,

    /// <summary>A majority of Sentinels named the master when asked, or the data plane vouched without them.</summary>
    Reconcile,
}

/// <summary>
/// A verified decision: <see cref="Instance"/> masters <see cref="Shard"/>, and the proxy sends the shard's keys to
/// <see cref="Address"/>. Made once, by <see cref="ClaimVerifier"/> (or by a vouch on the data plane), and carried as
/// it is to what writes the proxy's config: no later hop looks the shard or its master up again.
/// </summary>
/// <param name="Shard">The shard, as the inventory has it.</param>
/// <param name="Instance">Its master, an instance of that shard in the inventory.</param>
/// <param name="Address">The master's address as it was verified (the claim's spelling), what the proxy's server gets.</param>
/// <param name="Evidence">Why it was decided.</param>
internal sealed record MasterDecision(Shard Shard, RedisInstance Instance, MasterAddress Address, DecisionEvidence Evidence)
{
    /// <summary>The trigger as it appears in spans, metrics and logs.</summary>
    public string TriggerName => TriggerNameOf(Evidence.Trigger);

    /// <summary><c>event</c> or <c>reconcile</c>: the one spelling of a trigger in spans, metrics and logs.</summary>
    public static string TriggerNameOf(ReconfigTrigger trigger) => trigger == ReconfigTrigger.Event ? "event" : "reconcile";

    /// <summary>
    /// The decision the data plane alone supports: <paramref name="master"/>, which the proxy already runs for
    /// <paramref name="shard"/>, says ROLE master and nothing contradicts it (<see cref="Reconciler"/>'s vouch).
    /// </summary>
    public static MasterDecision Vouched(Shard shard, RedisInstance master, string why) =>
        new(shard, master, new MasterAddress(master.Name, master.Port),
            new DecisionEvidence(ReconfigTrigger.Reconcile, "the data plane, without a Sentinel majority", null, null, null, why));
}

/// <summary>What a decision rests on, as the verifier saw it.</summary>
/// <param name="Trigger">Why the service looked.</param>
/// <param name="Source">Which Sentinels said so: the one that announced, or the vote count of a reconcile.</param>
/// <param name="ConfigEpoch">Sentinel's config epoch that orders it; null when none was learned (a vouch, or a claim the facts confirmed alone).</param>
/// <param name="ReplId">The master's replication ID as it was verified, when asked.</param>
/// <param name="OldMaster">The master being replaced, when an announcement says so (finds an unnamed server, as the post's script did).</param>
/// <param name="Why">The facts that carried it, for the log.</param>
/// <param name="Reset">True when the facts confirmed a claim at an epoch lower than the one applied (Sentinels rebuilt, a hand re-point).</param>
internal sealed record DecisionEvidence(ReconfigTrigger Trigger, string Source, long? ConfigEpoch, string? ReplId, MasterAddress? OldMaster,
    string Why, bool Reset = false);
