using RedisHaLab.Faults;
using RedisHaLab.Topology;

namespace RedisHaLab.Playbooks;

/// <summary>
/// <c>switchover: g1</c>: a planned switchover that loses no acknowledged write (see <see cref="Switchover"/>): writes
/// paused on the master, the replica caught up, <c>SENTINEL FAILOVER</c>, the proxy seen following, the pause released.
/// </summary>
public sealed record SwitchoverStep(int Line, string Shard) : ShardStep(Line, Shard)
{
    internal static StepKind Definition { get; } = Define("switchover", (line, shard) => new SwitchoverStep(line, shard));

    private protected override StepKind Kind => Definition;

    internal override TimeSpan WorstCase(Inventory inventory, IReadOnlyCollection<FaultStep> standing) => Switchover.Within;

    internal override async Task<string> RunAsync(PlaybookRun run, CancellationToken cancellationToken)
    {
        var outcome = await new Switchover(run.Lab).RunAsync(run.Lab.Shard(Shard), cancellationToken);
        run.Switchovers.Add(outcome);
        run.Masters[run.Lab.Shard(Shard)] = outcome.To;
        return outcome.ToString();
    }
}
