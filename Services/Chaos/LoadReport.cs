namespace RedisHaLab.Chaos;

/// <summary>
/// What a write load saw, and what became of it once the lab healed. Lost writes are a measurement: Sentinel's
/// replication is asynchronous and it promises no durability, so a write a dying master acknowledged may be gone.
/// </summary>
/// <param name="Sent">Writes sent.</param>
/// <param name="Acknowledged">Writes Redis said OK to.</param>
/// <param name="Failed">Writes certainly not applied (refused before reaching a master).</param>
/// <param name="Indeterminate">Writes without a trustworthy answer (timeouts, connections lost after sending).</param>
/// <param name="Lost">Acknowledged writes that do not read back once the lab healed.</param>
/// <param name="IndeterminateApplied">Indeterminate writes that do read back: they had reached a master after all.</param>
/// <param name="LongestGap">The longest stretch between two acknowledged writes: what a client felt as the outage.</param>
/// <param name="Duration">How long the load ran.</param>
/// <param name="Errors">Each distinct error message with how often it came.</param>
public sealed record LoadReport(
    int Sent,
    int Acknowledged,
    int Failed,
    int Indeterminate,
    int Lost,
    int IndeterminateApplied,
    TimeSpan LongestGap,
    TimeSpan Duration,
    IReadOnlyDictionary<string, int> Errors)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Sent} writes in {Duration.TotalSeconds:0.0} s: {Acknowledged} acknowledged, {Failed} failed, {Indeterminate} indeterminate " +
        $"({IndeterminateApplied} of them applied); {Lost} acknowledged writes lost; longest gap between acknowledged writes {LongestGap.TotalSeconds:0.00} s";
}
