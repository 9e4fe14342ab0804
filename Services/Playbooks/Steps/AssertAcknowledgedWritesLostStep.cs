using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.Playbooks;

/// <summary>
/// <c>assert_acknowledged_writes_lost: g1</c>: the loss a playbook stages, stated so that it must show: once the shards
/// have converged, the load stopped last lost (or rolled back) acknowledged writes of this shard.
/// </summary>
public sealed record AssertAcknowledgedWritesLostStep(int Line, string Shard) : ScenarioStep(Line)
{
    internal static StepKind Definition { get; } = new("assert_acknowledged_writes_lost", (read, step) =>
    {
        var shard = step.Value is null ? read.Missing(step.Item, step.Name, "assert_acknowledged_writes_lost: g1") : read.Text(step.Value, step.Name);
        return shard is null ? null : new AssertAcknowledgedWritesLostStep(step.Line, shard);
    });

    /// <inheritdoc />
    public override string Text => $"assert_acknowledged_writes_lost: {Shard}";

    internal override bool IsCheck => true;

    internal override void Check(StepChecks checks) => checks.Shard(this, Shard);

    // It waits for the shards to converge first.
    internal override TimeSpan WorstCase(Inventory inventory, IReadOnlyCollection<FaultStep> standing) => LabConvergence.Within;

    internal override async Task<string> RunAsync(PlaybookRun run, CancellationToken cancellationToken)
    {
        var last = await run.LastCountedLoadAsync(cancellationToken);
        var shard = last.Shards.Single(x => x.Shard == Shard);
        if (shard.Lost + shard.RolledBack == 0)
        {
            throw new ChaosException($"the loss this playbook stages did not show: none of {shard.Acknowledged} acknowledged writes of {shard.Shard} lost or rolled back ({shard})");
        }
        // The other shards' losses are reported, not judged: a proxy restart has been seen to let a write the client was
        // told failed land after a later one (a rollback) on a shard nothing else touched.
        var others = last.Shards.Where(x => x.Shard != Shard).Select(x => $"{x.Shard}: {x.Lost} lost, {x.RolledBack} rolled back");
        return $"{shard.Shard} lost {shard.Lost} and rolled back {shard.RolledBack} of {shard.Acknowledged} acknowledged writes, as staged ({string.Join("; ", others)})";
    }
}
