namespace RedisHaLab.Chaos;

/// <summary>A running write load's counts so far: what a live progress line shows while a fault happens.</summary>
public sealed record LoadCounters(long Sent, long Acknowledged, long Failed, long Indeterminate)
{
    /// <inheritdoc />
    public override string ToString() => $"{Sent} sent, {Acknowledged} acknowledged, {Failed} failed, {Indeterminate} indeterminate";
}
