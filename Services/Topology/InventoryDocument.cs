namespace RedisHaLab.Topology;

// The inventory file as written, before validation. Every field is nullable so that a missing one
// becomes a clear "add this field" error instead of a silent default. Where each key and value is
// written is not kept here: YamlOutline reads that from the same text, for errors to name the line.
// Numbers are kept as written and read by PlainNumbers: YamlDotNet would read 014555 as octal, 2:30 as base 60.

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
    public string? Listen { get; set; }
    public string? StatsPort { get; set; }
    public string? ReadinessPort { get; set; }
    public string? CheckInterval { get; set; }
    public string? Fall { get; set; }
    public string? Rise { get; set; }
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
    public string? Port { get; set; }
    public string? Quorum { get; set; }
    public string? DownAfterMilliseconds { get; set; }
    public string? FailoverTimeout { get; set; }
    public string? ParallelSyncs { get; set; }
}

internal sealed class TwemproxySection
{
    public string? Node { get; set; }
    public List<string?>? Nodes { get; set; }
    public string? Pool { get; set; }
    public string? Listen { get; set; }
    public string? FrontDoor { get; set; }
    public string? Hash { get; set; }
    public string? Distribution { get; set; }
    public bool? AutoEjectHosts { get; set; }
    public bool? Redis { get; set; }
    public string? ServerRetryTimeout { get; set; }
    public string? ServerFailureLimit { get; set; }
    public string? ServerNames { get; set; }
    public string? Reconfig { get; set; }
}
