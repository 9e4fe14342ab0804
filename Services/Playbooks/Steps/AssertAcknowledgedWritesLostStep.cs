using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.Playbooks;

/// <summary>
/// <c>assert_acknowledged_writes_lost: g1</c>: the loss a playbook stages, stated so that it must show: once the shards
/// have converged, the load stopped last lost (or rolled back) acknowledged writes of this shard.
/// </summary>
public sealed record AssertAcknowledgedWritesLostStep(int Line, string Shard) : ShardStep(Line, Shard)
{
    internal static StepKind Definition { get; } = Define("assert_acknowledged_writes_lost", (line, shard) => new AssertAcknowledgedWritesLostStep(line, shard));

    private protected override StepKind Kind => Definition;

    internal override bool IsCheck => true;

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
