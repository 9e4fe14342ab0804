using RedisHaLab.Probes;


namespace RedisHaLab.Load;

/// <summary>
/// What a write load saw, and what became of it once the lab had converged (see <see cref="LabConvergence"/>), per shard
/// and in all: each key read from its shard's settled master, never through the proxy. Lost writes are a measurement:
/// Sentinel's replication is asynchronous and it promises no durability, so a write a dying master acknowledged may be
/// gone.
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

    /// <summary>Acknowledged writes gone from their shard's master at convergence.</summary>
    public int Lost => Shards.Sum(s => s.Lost);

    /// <summary>Acknowledged writes whose key holds an earlier value at convergence.</summary>
    public int RolledBack => Shards.Sum(s => s.RolledBack);

    /// <summary>True when every shard had converged when its writes were counted: only then do the counts prove anything.</summary>
    public bool Converged => Shards.All(s => s.Convergence.Converged);

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
/// <param name="Lost">Acknowledged writes gone from the shard's master at convergence (the key missing, or holding what this load never wrote there).</param>
/// <param name="RolledBack">Acknowledged writes whose key holds an earlier value of this load at convergence.</param>
/// <param name="IndeterminateApplied">Indeterminate writes whose value is there: they had reached a master after all.</param>
/// <param name="FailedApplied">Writes counted as failed whose value is there: a wrong verdict of the client's, reported so it shows.</param>
/// <param name="FirstLost">The first keys lost or rolled back (at most <see cref="WriteAccounting.NamedLost"/>).</param>
/// <param name="LongestGap">The longest stretch between two acknowledged writes of this lane.</param>
/// <param name="Errors">Each distinct error message with how often it came.</param>
/// <param name="Convergence">Where and when the writes were counted: the shard's settled master, or why it never settled.</param>
public sealed record ShardLoadReport(
    string Shard,
    int Sent,
    int Acknowledged,
    int Failed,
    int Indeterminate,
    int Lost,
    int RolledBack,
    int IndeterminateApplied,
    int FailedApplied,
    IReadOnlyList<string> FirstLost,
    TimeSpan LongestGap,
    IReadOnlyDictionary<string, int> Errors,
    ShardConvergence Convergence)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Shard}: {Acknowledged} acknowledged, {Failed} failed, {Indeterminate} indeterminate ({IndeterminateApplied} applied), " +
        $"{Lost} lost, {RolledBack} rolled back{(FailedApplied == 0 ? "" : $", {FailedApplied} counted failed yet applied")}, " +
        $"longest gap {LongestGap.TotalSeconds:0.00} s; {Convergence}" +
        (FirstLost.Count == 0 ? "" : $"; first lost: {string.Join(", ", FirstLost)}");
}
