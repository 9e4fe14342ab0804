using RedisHaLab.Load;
using RedisHaLab.Topology;

namespace RedisHaLab.Playbooks;

/// <summary>
/// <c>stop_load</c>: stops the load. Its writes are counted (acknowledged, failed, indeterminate, lost, rolled back, per
/// shard) once the shards have converged: at the next assertion about loss, or at the playbook's end.
/// </summary>
public sealed record StopLoadStep(int Line) : ScenarioStep(Line)
{
    internal static StepKind Definition { get; } = new("stop_load", (read, step) => read.NoValue(step.Value, step.Name) ? new StopLoadStep(step.Line) : null);

    /// <inheritdoc />
    public override string Text => "stop_load";

    internal override TimeSpan WorstCase(Inventory inventory, IReadOnlyCollection<FaultStep> standing) => WriteLoad.StopWithin + StepBudget.ProxyRoundTrip;

    internal override async Task<string> RunAsync(PlaybookRun run, CancellationToken cancellationToken)
    {
        var stopped = await run.StopLoadAsync();
        return $"stopped after {stopped.Duration.TotalSeconds:0.0} s; its writes are counted once the shards have converged";
    }
}
