using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.Playbooks;

/// <summary>
/// <c>assert_no_write_failed</c>: the front door served throughout: the load stopped last had no write refused and none
/// left without an answer, on any shard (a stricter claim than no loss: nothing was even interrupted).
/// </summary>
public sealed record AssertNoWriteFailedStep(int Line) : ScenarioStep(Line)
{
    internal static StepKind Definition { get; } = new("assert_no_write_failed",
        (read, step) => read.NoValue(step.Value, step.Name) ? new AssertNoWriteFailedStep(step.Line) : null);

    /// <inheritdoc />
    public override string Text => "assert_no_write_failed";

    internal override bool IsCheck => true;

    // It waits for the shards to converge first.
    internal override TimeSpan WorstCase(Inventory inventory, IReadOnlyCollection<FaultStep> standing) => LabConvergence.Within;

    internal override async Task<string> RunAsync(PlaybookRun run, CancellationToken cancellationToken)
    {
        var last = await run.LastCountedLoadAsync(cancellationToken);
        var interrupted = last.Shards.Where(x => x.Failed + x.Indeterminate > 0).ToList();
        return interrupted.Count == 0
            ? $"all {last.Acknowledged} writes acknowledged: none refused, none without an answer"
            : throw new ChaosException($"{last.Failed} writes refused and {last.Indeterminate} without an answer of {last.Acknowledged + last.Failed + last.Indeterminate} ({string.Join("; ", interrupted)})");
    }
}
