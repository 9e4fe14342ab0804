using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.Playbooks;

/// <summary>
/// <c>manual_failover: g1</c>: asks a Sentinel to fail the shard over (<c>SENTINEL FAILOVER</c>). Sentinels refuse while a
/// failover is in progress or while they know no replica fit to promote (an old master still rejoining), so the request
/// is repeated for up to <see cref="RetryWithin"/>.
/// </summary>
public sealed record ManualFailoverStep(int Line, string Shard) : ShardStep(Line, Shard)
{
    /// <summary>How long a refused request is repeated.</summary>
    public static readonly TimeSpan RetryWithin = TimeSpan.FromSeconds(20);

    internal static StepKind Definition { get; } = Define("manual_failover", (line, shard) => new ManualFailoverStep(line, shard));

    private protected override StepKind Kind => Definition;

    internal override TimeSpan WorstCase(Inventory inventory, IReadOnlyCollection<FaultStep> standing) => RetryWithin;

    internal override async Task<string> RunAsync(PlaybookRun run, CancellationToken cancellationToken)
    {
        var shard = run.Lab.Shard(Shard);
        string? acceptedBy = null;
        await PlaybookRun.Until(async () =>
        {
            try
            {
                acceptedBy = await run.Lab.Faults.ManualFailoverAsync(shard);
                return null;
            }
            catch (ChaosException e)
            {
                // In progress, or no replica fit yet (an old master still rejoining): both pass.
                return e.Message;
            }
        }, RetryWithin, $"Sentinel accepting SENTINEL FAILOVER {shard.SentinelMasterName}", cancellationToken);
        return $"accepted by {acceptedBy}";
    }
}
