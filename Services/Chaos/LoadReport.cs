namespace RedisHaLab.Chaos;

/// <summary>
/// What a write load saw, and what became of it once the lab healed, per shard and in all. Lost writes are a
/// measurement: Sentinel's replication is asynchronous and it promises no durability, so a write a dying master
/// acknowledged may be gone.
/// </summary>
/// <param name="Shards">Each shard's lane, in the inventory's order.</param>
/// <param name="Duration">How long the load ran.</param>
public sealed record LoadReport(IReadOnlyList<ShardLoadReport> Shards, TimeSpan Duration)
{
    /// <summary>Writes sent.</summary>
    public int Sent => Shards.Sum(s => s.Sent);

    /// <summary>Writes Redis said OK to.</summary>
    public int Acknowledged => Shards.Sum(s => s.Acknowledged);

    /// <summary>Writes certainly not applied (refused before reaching a master).</summary>
    public int Failed => Shards.Sum(s => s.Failed);

    /// <summary>Writes without a trustworthy answer (timeouts, connections lost after sending).</summary>
    public int Indeterminate => Shards.Sum(s => s.Indeterminate);

    /// <summary>Acknowledged writes that do not read back once the lab healed.</summary>
    public int Lost => Shards.Sum(s => s.Lost);

    /// <summary>Indeterminate writes that do read back: they had reached a master after all.</summary>
    public int IndeterminateApplied => Shards.Sum(s => s.IndeterminateApplied);

    /// <summary>The longest stretch between two acknowledged writes of one shard: what a client of that shard felt as the outage.</summary>
    public TimeSpan LongestGap => Shards.Count == 0 ? TimeSpan.Zero : Shards.Max(s => s.LongestGap);

    /// <summary>Each distinct error message with how often it came, over every shard.</summary>
    public IReadOnlyDictionary<string, int> Errors =>
        Shards.SelectMany(s => s.Errors).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Sum(e => e.Value));

    /// <inheritdoc />
    public override string ToString() =>
        $"{Sent} writes in {Duration.TotalSeconds:0.0} s; " + string.Join("; ", Shards.Select(s => s.ToString()));
}

/// <summary>One shard's lane of a write load: its own connection, keys that all live on that shard.</summary>
/// <param name="Shard">The shard's name.</param>
/// <param name="Sent">Writes sent.</param>
/// <param name="Acknowledged">Writes Redis said OK to.</param>
/// <param name="Failed">Writes certainly not applied (refused before reaching a master).</param>
/// <param name="Indeterminate">Writes without a trustworthy answer (timeouts, connections lost after sending).</param>
/// <param name="Lost">Acknowledged writes that do not read back once the lab healed.</param>
/// <param name="IndeterminateApplied">Indeterminate writes that do read back: they had reached a master after all.</param>
/// <param name="LongestGap">The longest stretch between two acknowledged writes of this lane.</param>
/// <param name="Errors">Each distinct error message with how often it came.</param>
public sealed record ShardLoadReport(
    string Shard,
    int Sent,
    int Acknowledged,
    int Failed,
    int Indeterminate,
    int Lost,
    int IndeterminateApplied,
    TimeSpan LongestGap,
    IReadOnlyDictionary<string, int> Errors)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Shard}: {Acknowledged} acknowledged, {Failed} failed, {Indeterminate} indeterminate ({IndeterminateApplied} applied), " +
        $"{Lost} lost, longest gap {LongestGap.TotalSeconds:0.00} s";
}
