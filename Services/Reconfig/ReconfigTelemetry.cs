using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RedisHaLab.Reconfig;

/// <summary>The service's spans and metrics, both named <see cref="Name"/>, so a timeline of a failover can be rebuilt.</summary>
internal sealed class ReconfigTelemetry
{
    /// <summary>Name of the ActivitySource and the Meter.</summary>
    public const string Name = "RedisHaLab.Reconfig";

    /// <summary>One span per reconfiguration of the proxy.</summary>
    public static readonly ActivitySource Source = new(Name);

    private readonly Counter<long> _failoversSeen;
    private readonly Counter<long> _applied;
    private readonly Counter<long> _rejected;
    private readonly Histogram<double> _applyDuration;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _notServed;

    /// <summary>Creates the instruments on a meter owned by <paramref name="meterFactory"/>.</summary>
    public ReconfigTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Name);
        _failoversSeen = meter.CreateCounter<long>("reconfig.failovers_seen", "{failover}",
            "Distinct +switch-master announcements received (repeats from other Sentinels are not counted).");
        _applied = meter.CreateCounter<long>("reconfig.applied", "{reconfiguration}",
            "Proxy configs rewritten and signalled to the proxy.");
        _rejected = meter.CreateCounter<long>("reconfig.rejected", "{reconfiguration}",
            "New proxy configs the proxy refused (nutcracker -t, or the new process did not start); the old config stayed.");
        _applyDuration = meter.CreateHistogram<double>("reconfig.apply_duration", "ms",
            "From deciding to rewrite the proxy config to the proxy reporting that it runs it.");
        _refused = meter.CreateCounter<long>("reconfig.refused", "{claim}",
            "Claims about a shard's master that failed a check (not in the shard, not ROLE master, contradicted by another master, stale or unordered epoch) and were not applied.");
        _notServed = meter.CreateCounter<long>("reconfig.proxy_not_served", "{probe}",
            "Probes through the proxy (a write on a key of the shard) that failed: what runs did not serve the shard.");
    }

    /// <summary>Counts a probe through the proxy that <paramref name="shard"/> did not answer.</summary>
    public void NotServed(string shard) => _notServed.Add(1, new KeyValuePair<string, object?>("shard", shard));

    /// <summary>Counts a failover the first time any Sentinel announces it.</summary>
    public void FailoverSeen(string masterName) =>
        _failoversSeen.Add(1, new KeyValuePair<string, object?>("master_name", masterName));

    /// <summary>Counts a reconfiguration that reached the proxy and records how long it took.</summary>
    public void Applied(string shard, string trigger, double milliseconds)
    {
        var tags = Tags(shard, trigger);
        _applied.Add(1, tags);
        _applyDuration.Record(milliseconds, tags);
    }

    /// <summary>Counts a claim that failed <paramref name="check"/>.</summary>
    public void Refused(string shard, ClaimCheck check, string trigger)
    {
        var tags = Tags(shard, trigger);
        tags.Add("check", check.ToString());
        _refused.Add(1, tags);
    }

    /// <summary>Counts a config nutcracker refused.</summary>
    public void Rejected(string shard, string trigger) => _rejected.Add(1, Tags(shard, trigger));

    /// <summary>Starts the span of one reconfiguration; null when nobody listens.</summary>
    public static Activity? StartReconfiguration(MasterDecision decision, string oldAddress) =>
        Source.StartActivity("reconfigure proxy")?
            .SetTag("shard", decision.Shard.Name)
            .SetTag("master_name", decision.Shard.SentinelMasterName)
            .SetTag("old_address", oldAddress)
            .SetTag("new_address", decision.Address.ToString())
            .SetTag("trigger", decision.TriggerName)
            .SetTag("source", decision.Evidence.Source);

    private static TagList Tags(string shard, string trigger) => new() { { "shard", shard }, { "trigger", trigger } };
}
