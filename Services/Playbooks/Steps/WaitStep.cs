using RedisHaLab.Topology;

namespace RedisHaLab.Playbooks;

/// <summary><c>wait: 5s</c>: lets time pass (e.g. longer than Sentinel's down-after).</summary>
public sealed record WaitStep(int Line, TimeSpan Duration) : ScenarioStep(Line)
{
    internal static StepKind Definition { get; } = new("wait", (read, step) =>
    {
        var duration = step.Value is null ? null : read.Duration(step.Value, step.Name, TimeSpan.FromMinutes(5));
        if (step.Value is null)
        {
            read.Problem(step.Item, "wait needs a duration, e.g. 'wait: 5s'");
        }
        return duration is null ? null : new WaitStep(step.Line, duration.Value);
    });

    /// <inheritdoc />
    public override string Text => $"wait: {DurationText.Format(Duration)}";

    internal override TimeSpan WorstCase(Inventory inventory, IReadOnlyCollection<FaultStep> standing) => Duration;

    internal override async Task<string> RunAsync(PlaybookRun run, CancellationToken cancellationToken)
    {
        await Task.Delay(Duration, cancellationToken);
        return "";
    }
}
