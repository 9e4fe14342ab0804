namespace RedisHaLab.Load;

/// <summary>A running write load's counts so far, per shard: what a live progress line shows while a fault happens.</summary>
public sealed record LoadCounters(IReadOnlyList<ShardCounters> Shards)
{
    /// <inheritdoc />
    public override string ToString() => string.Join(" | ", Shards);
}

/// <summary>One shard lane's counts so far.</summary>
public sealed record ShardCounters(string Shard, long Sent, long Acknowledged, long Failed, long Indeterminate)
{
    /// <inheritdoc />
    public override string ToString() => $"{Shard}: {Acknowledged} acknowledged, {Failed} failed, {Indeterminate} indeterminate";
}
