using RedisHaLab.Load;
using RedisHaLab.Probes;

namespace RedisHaLab.Playbooks;

/// <summary>
/// <c>assert_no_acknowledged_write_lost</c>: once the shards have converged, the load stopped last lost no write Redis
/// had acknowledged and none was rolled back, on any shard.
/// </summary>
public sealed record AssertNoAcknowledgedWriteLostStep(int Line) : CountedLoadCheckStep(Line)
{
    internal static StepKind Definition { get; } = Define("assert_no_acknowledged_write_lost", line => new AssertNoAcknowledgedWriteLostStep(line));

    private protected override StepKind Kind => Definition;

    private protected override string Judge(LoadReport last)
    {
        var losing = last.Shards.Where(x => x.Lost + x.RolledBack > 0).ToList();
        return losing.Count == 0
            ? $"none of {last.Acknowledged} acknowledged writes lost or rolled back, read from each shard's settled master"
            : throw new ChaosException($"{last.Lost} of {last.Acknowledged} acknowledged writes lost, {last.RolledBack} rolled back ({string.Join("; ", losing)})");
    }
}
