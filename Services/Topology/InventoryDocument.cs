namespace RedisHaLab.Topology;

// The inventory file as written, before validation. Every field is nullable so that a missing one
// becomes a clear "add this field" error instead of a silent default. Where each key and value is
// written is not kept here: YamlOutline reads that from the same text, for errors to name the line.

internal sealed class InventoryDocument
{
    public string? Authentication { get; set; }
    public Dictionary<string, NodeSection>? Nodes { get; set; }
    public Dictionary<string, ShardSection>? Shards { get; set; }
    /// <summary>redis.conf directives: a value is a scalar, or a list for directives that repeat (<c>save</c>).</summary>
    public Dictionary<string, object?>? RedisSettings { get; set; }
    public SentinelsSection? Sentinels { get; set; }
    public TwemproxySection? Twemproxy { get; set; }
    public LoadBalancerSection? LoadBalancer { get; set; }
}

internal sealed class LoadBalancerSection
{
    public string? Kind { get; set; }
    public string? FrontDoor { get; set; }
    public int? Listen { get; set; }
    public int? StatsPort { get; set; }
    public int? ReadinessPort { get; set; }
    public int? CheckInterval { get; set; }
    public int? Fall { get; set; }
    public int? Rise { get; set; }
}

internal sealed class NodeSection
{
    public string? Address { get; set; }
}

internal sealed class ShardSection
{
    public string? SentinelName { get; set; }
    public string? Master { get; set; }
    public List<string?>? Replicas { get; set; }
}

internal sealed class SentinelsSection
{
    public List<string?>? Nodes { get; set; }
    public int? Port { get; set; }
    public int? Quorum { get; set; }
    public int? DownAfterMilliseconds { get; set; }
    public int? FailoverTimeout { get; set; }
    public int? ParallelSyncs { get; set; }
}

internal sealed class TwemproxySection
{
    public string? Node { get; set; }
    public List<string?>? Nodes { get; set; }
    public string? Pool { get; set; }
    public int? Listen { get; set; }
    public string? FrontDoor { get; set; }
    public string? Hash { get; set; }
    public string? Distribution { get; set; }
    public bool? AutoEjectHosts { get; set; }
    public bool? Redis { get; set; }
    public int? ServerRetryTimeout { get; set; }
    public int? ServerFailureLimit { get; set; }
    public string? ServerNames { get; set; }
    public string? Reconfig { get; set; }
}
