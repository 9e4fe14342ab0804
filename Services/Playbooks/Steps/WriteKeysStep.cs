using RedisHaLab.Load;
using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.Playbooks;

/// <summary><c>write_keys: N</c>: writes N new keys through the proxy and waits until every replica has them.</summary>
public sealed record WriteKeysStep(int Line, int Count) : ScenarioStep(Line)
{
    /// <summary>How long it waits for each shard's replicas to have the keys.</summary>
    internal static readonly TimeSpan CatchUpWithin = TimeSpan.FromSeconds(15);

    internal static StepKind Definition { get; } = new("write_keys", (read, step) =>
    {
        var count = read.Number(step.Value, step.Item, step.Name, 1, 100_000, "write_keys: 1000");
        return count is null ? null : new WriteKeysStep(step.Line, count.Value);
    });

    /// <inheritdoc />
    public override string Text => $"write_keys: {Count}";

    // Batches of writes, each answered within the proxy client's timeout, then each shard's replicas caught up.
    internal override TimeSpan WorstCase(Inventory inventory, IReadOnlyCollection<FaultStep> standing) =>
        (StepBudget.ProxyRoundTrip * ((Count + KeySet.Batch - 1) / KeySet.Batch)) + (CatchUpWithin * inventory.Shards.Count);

    internal override async Task<string> RunAsync(PlaybookRun run, CancellationToken cancellationToken)
    {
        await run.Keys.WriteAsync(run.Proxy, Count);
        // Replication is asynchronous: the keys count as written once every replica has them.
        foreach (var shard in run.Lab.Inventory.Shards)
        {
            await PlaybookRun.Until(() => RedisProbe.ReplicasBehindAsync(shard, run.Masters[shard], run.Lab.Endpoints, run.Lab.Password), CatchUpWithin,
                $"replicas of {shard.Name} caught up", cancellationToken);
        }
        return $"{run.Keys.Count} keys in all, replicas caught up";
    }
}
