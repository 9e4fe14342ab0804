using System.Diagnostics;
using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.Playbooks;

/// <summary>
/// <c>assert_proxy_points_at_master: { shard: g1 }</c>: until, by data, the front door routes the shard to its current
/// master: fresh probe keys written through the front door are each found on exactly one shard's current master, read
/// there directly, and one of them (within <see cref="RoutingProbe.MaxKeys"/>) on this shard's.
/// </summary>
public sealed record AssertProxyPointsAtMasterStep(int Line, string Shard, TimeSpan Timeout) : ScenarioStep(Line)
{
    internal static StepKind Definition { get; } = new("assert_proxy_points_at_master", (read, step) =>
    {
        var args = read.Arguments(step.Value, step.Item, step.Name, ["shard"], ["timeout"], "assert_proxy_points_at_master: { shard: g1 }");
        var (shard, timeout) = (args is null ? null : read.Text(args["shard"], "shard"), read.Timeout(args));
        return shard is null || timeout is null ? null : new AssertProxyPointsAtMasterStep(step.Line, shard, timeout.Value);
    });

    /// <inheritdoc />
    public override string Text => $"assert_proxy_points_at_master: {{ shard: {Shard}, timeout: {DurationText.Format(Timeout)} }}";

    internal override bool IsCheck => true;

    internal override void Check(StepChecks checks) => checks.Shard(this, Shard);

    internal override TimeSpan WorstCase(Inventory inventory, IReadOnlyCollection<FaultStep> standing) => Timeout;

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
