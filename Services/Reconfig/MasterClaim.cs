using RedisHaLab.Topology;

namespace RedisHaLab.Reconfig;

/// <summary>
/// Someone says the shard Sentinel calls <see cref="MasterName"/> is now served by <see cref="Address"/>: a Sentinel's
/// announcement or the Sentinels' answers to a reconcile. Nothing is done with it until <see cref="ClaimVerifier"/> checked it.
/// </summary>
/// <param name="MasterName">Sentinel's name for the shard.</param>
/// <param name="Address">The master it names.</param>
/// <param name="ConfigEpoch">Sentinel's config epoch for that master name (orders failovers); null when it could not be learned.</param>
/// <param name="OldMaster">The master being replaced, when an announcement says so.</param>
/// <param name="Trigger">Why the service is looking.</param>
/// <param name="Source">Who said so, for logs.</param>
internal sealed record MasterClaim(string MasterName, MasterAddress Address, long? ConfigEpoch, MasterAddress? OldMaster,
    ReconfigTrigger Trigger, string Source)
{
    /// <summary>The trigger as it appears in spans, metrics and logs.</summary>
    public string TriggerName => MasterDecision.TriggerNameOf(Trigger);

    /// <summary>The decision this claim becomes once checked: <paramref name="instance"/> of <paramref name="shard"/>, with what the checks found.</summary>
    public MasterDecision Decide(Shard shard, RedisInstance instance, long? configEpoch, string? replId, string why, bool reset) =>
        new(shard, instance, Address, new DecisionEvidence(Trigger, Source, configEpoch, replId, OldMaster, why, reset));
}

/// <summary>Which check refused a claim; also the <c>check</c> tag of the <c>reconfig.refused</c> metric.</summary>
internal enum ClaimCheck
{
    /// <summary>The master name is no shard of the inventory.</summary>
    UnknownShard,

    /// <summary>The address is no instance of that shard in the inventory.</summary>
    NotInShard,

    /// <summary>The claim's config epoch could not be learned, so it cannot be ordered.</summary>
    NoEpoch,

    /// <summary>The claim is older than what the proxy was last set to.</summary>
    Stale,

    /// <summary>The named instance does not say it is master.</summary>
    NotMaster,

    /// <summary>Another instance of the shard says it is master, and the named one did not take over from it.</summary>
    Contradicted,
}

/// <summary>The verdict on a claim: a closed set of cases.</summary>
internal abstract record ClaimVerdict
{
    private ClaimVerdict()
    {
    }

    /// <summary>Every check passed: the decision's instance says it is master, and the shard agrees.</summary>
    /// <param name="Decision">What the proxy is to run, with its evidence, as it travels on to the proxy side.</param>
    public sealed record Trusted(MasterDecision Decision) : ClaimVerdict;

    /// <summary>A check failed; nothing may change. <see cref="Reason"/> is for the log.</summary>
    public sealed record Refused(Shard? Shard, ClaimCheck Check, string Reason) : ClaimVerdict;
}
