using RedisHaLab.Faults;
using RedisHaLab.Topology;

namespace RedisHaLab.Playbooks;

/// <summary>
/// <c>restore_master: g1</c>: names the shard's real master (the one instance answering ROLE master) to every Sentinel
/// at a still higher epoch, resets their view of the shard, and waits (at most <see cref="SentinelForgery.RestoreWithin"/>)
/// until a majority names that master with its replicas again.
/// </summary>
public sealed record RestoreMasterStep(int Line, string Shard) : ShardStep(Line, Shard)
{
    internal static StepKind Definition { get; } = Define("restore_master", (line, shard) => new RestoreMasterStep(line, shard));

    private protected override StepKind Kind => Definition;

    internal override TimeSpan WorstCase(Inventory inventory, IReadOnlyCollection<FaultStep> standing) => SentinelForgery.RestoreWithin;

    internal override async Task<string> RunAsync(PlaybookRun run, CancellationToken cancellationToken)
    {
        var note = await run.Lab.Faults.RestoreMasterAsync(run.Lab.Shard(Shard), cancellationToken);
        run.Forged.Remove(Shard);
        return note;
    }
}
