namespace RedisHaLab.Reconfig;

/// <summary>What made the service look at a shard: a Sentinel's announcement, or the periodic comparison with all Sentinels.</summary>
internal enum ReconfigTrigger
{
    /// <summary>A <c>+switch-master</c> message.</summary>
    Event,

    /// <summary>A majority of Sentinels named the master when asked.</summary>
    Reconcile,
}

/// <summary>A decision to make: the shard Sentinel calls <see cref="MasterName"/> should be served by <see cref="NewMaster"/>.</summary>
/// <param name="MasterName">Sentinel's name for the shard.</param>
/// <param name="NewMaster">The master the proxy should send the shard's keys to.</param>
/// <param name="OldMaster">The master being replaced, when an event says so.</param>
/// <param name="Trigger">Why the decision was made.</param>
/// <param name="Source">Who said so: the Sentinel that sent the event, or the vote count.</param>
internal sealed record ReconfigTarget(string MasterName, MasterAddress NewMaster, MasterAddress? OldMaster, ReconfigTrigger Trigger, string Source)
{
    /// <summary>The trigger as it appears in spans, metrics and logs.</summary>
    public string TriggerName => Trigger == ReconfigTrigger.Event ? "event" : "reconcile";
}
