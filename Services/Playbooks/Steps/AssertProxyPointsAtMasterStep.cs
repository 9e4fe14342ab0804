using System.Diagnostics;
using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.Playbooks;

/// <summary>
/// <c>assert_proxy_points_at_master: { shard: g1 }</c>: until, by data, the front door routes the shard to its current
/// master: fresh probe keys written through the front door are each found on exactly one shard's current master, read
/// there directly, and one of them (within <see cref="RoutingProbe.MaxKeys"/>) on this shard's.
/// </summary>
public sealed record AssertProxyPointsAtMasterStep(int Line, string Shard, TimeSpan Timeout) : ShardWaitingStep(Line, Shard, Timeout)
{
    internal static StepKind Definition { get; } = Define("assert_proxy_points_at_master", "assert_proxy_points_at_master: { shard: g1 }",
        (line, shard, timeout) => new AssertProxyPointsAtMasterStep(line, shard, timeout));

    private protected override StepKind Kind => Definition;

    internal override async Task<string> RunAsync(PlaybookRun run, CancellationToken cancellationToken)
    {
        var lab = run.Lab;
        var shard = lab.Shard(Shard);
        RedisInstance? master = null;
        var clock = Stopwatch.StartNew();
        await PlaybookRun.Until(async () =>
        {
            IReadOnlyDictionary<Shard, RedisInstance> masters;
            try
            {
                masters = await lab.Masters.RequireAllAsync(lab.Inventory);
            }
            catch (ChaosException e)
            {
                return e.Message;
            }
            master = masters[shard];
            return await RoutingProbe.ProblemAsync(run.Proxy, shard, masters, Timeout - clock.Elapsed, lab.Endpoints, lab.Password);
        }, Timeout, $"probe keys of {shard.Name} written through the front door landing on its current master", cancellationToken);
        return $"{shard.Name} -> {master!.Name}, by probe keys read back there";
    }
}
