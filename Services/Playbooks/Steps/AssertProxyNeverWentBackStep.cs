using RedisHaLab.Faults;
using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.Playbooks;

/// <summary>
/// <c>assert_proxy_never_went_back: original master of g1</c>: by the run's <see cref="RoutingWatch"/>, probe keys of the
/// instance's shard landed on it first, then left it, and never landed on it again.
/// </summary>
public sealed record AssertProxyNeverWentBackStep(int Line, FaultTarget Target) : ScenarioStep(Line)
{
    internal static StepKind Definition { get; } = new("assert_proxy_never_went_back", (read, step) =>
    {
        var target = read.Target(step.Value, step.Item, step.Name, "assert_proxy_never_went_back: original master of g1");
        return target is null ? null : new AssertProxyNeverWentBackStep(step.Line, target);
    });

    /// <inheritdoc />
    public override string Text => $"assert_proxy_never_went_back: {Target}";

    internal override bool IsCheck => true;

    internal override void Check(StepChecks checks) => checks.RedisInstance(this, Target);

    // A look at the run's own record, after asking which instance the target names now.
    internal override TimeSpan WorstCase(Inventory inventory, IReadOnlyCollection<FaultStep> standing) => StepBudget.Quick * (1 + inventory.Shards.Count);

    internal override async Task<string> RunAsync(PlaybookRun run, CancellationToken cancellationToken)
    {
        var instance = await run.Lab.Targets.RedisInstanceAsync(Target);
        var problem = RoutingWatch.WentBack(run.Watch.Changes, run.Lab.Shard(instance.ShardName), instance);
        return problem is null ? $"probe keys left {instance.Name} once, for good" : throw new ChaosException(problem);
    }
}
