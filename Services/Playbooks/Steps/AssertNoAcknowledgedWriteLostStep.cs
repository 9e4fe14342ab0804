using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.Playbooks;

/// <summary>
/// <c>assert_no_acknowledged_write_lost</c>: once the shards have converged, the load stopped last lost no write Redis
/// had acknowledged and none was rolled back, on any shard.
/// </summary>
public sealed record AssertNoAcknowledgedWriteLostStep(int Line) : ScenarioStep(Line)
{
    internal static StepKind Definition { get; } = new("assert_no_acknowledged_write_lost",
        (read, step) => read.NoValue(step.Value, step.Name) ? new AssertNoAcknowledgedWriteLostStep(step.Line) : null);

    /// <inheritdoc />
    public override string Text => "assert_no_acknowledged_write_lost";

    internal override bool IsCheck => true;

    // It waits for the shards to converge first.
    internal override TimeSpan WorstCase(Inventory inventory, IReadOnlyCollection<FaultStep> standing) => LabConvergence.Within;

    internal override async Task<string> RunAsync(PlaybookRun run, CancellationToken cancellationToken)
    {
        var last = await run.LastCountedLoadAsync(cancellationToken);
        var losing = last.Shards.Where(x => x.Lost + x.RolledBack > 0).ToList();
        return losing.Count == 0
            ? $"none of {last.Acknowledged} acknowledged writes lost or rolled back, read from each shard's settled master"
            : throw new ChaosException($"{last.Lost} of {last.Acknowledged} acknowledged writes lost, {last.RolledBack} rolled back ({string.Join("; ", losing)})");
    }
}
