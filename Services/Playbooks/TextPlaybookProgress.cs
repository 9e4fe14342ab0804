using RedisHaLab.Load;


namespace RedisHaLab.Playbooks;

/// <summary>Progress as plain lines, one per step as it ends: for a test's output or a log.</summary>
public sealed class TextPlaybookProgress(Action<string> writeLine) : IPlaybookProgress
{
    /// <summary>Writes to <paramref name="writer"/>.</summary>
    public TextPlaybookProgress(TextWriter writer)
        : this(writer.WriteLine)
    {
    }

    /// <inheritdoc />
    public void PlaybookStarted(Scenario playbook) => writeLine($"playbook {playbook.Name}: {playbook.Description}");

    /// <inheritdoc />
    public void StepStarted(ScenarioStep step, Func<LoadCounters?> load)
    {
    }

    /// <inheritdoc />
    public void StepEnded(StepResult step, LoadCounters? load) => writeLine(PlaybookText.StepLine(step, load));

    /// <inheritdoc />
    public void Note(string line) => writeLine($"  {line}");

    /// <inheritdoc />
    public void PlaybookEnded(PlaybookResult result) => writeLine(PlaybookText.Summary(result));
}

/// <summary>The words a step's or a playbook's result is printed with, the same on every sink.</summary>
public static class PlaybookText
{
    /// <summary><c>line  12  kill: master of g1   0.05 s  -> node22-redis-4500</c>, with the load's counters when one runs.</summary>
    public static string StepLine(StepResult step, LoadCounters? load)
    {
        var outcome = step.Outcome == StepOutcome.Failed ? "FAILED after " : "";
        var note = step.Note.Length > 0 ? $"  {step.Note}" : "";
        var counters = load is null ? "" : $"  [load {load}]";
        return $"  line {step.Line,3}  {step.Text,-60} {outcome}{step.Duration.TotalSeconds,6:0.00} s{note}{counters}";
    }

    /// <summary>The playbook's last line: passed or where it failed, its duration, its recoveries.</summary>
    public static string Summary(PlaybookResult result) =>
        $"  {(result.Passed ? "passed" : $"FAILED: {result.Failure}")}; total {result.Duration.TotalSeconds:0.0} s; recovery: " +
        (result.Recoveries.Count == 0 ? "none measured" : string.Join(", ", result.Recoveries.Select(r => $"{r.Duration.TotalSeconds:0.00} s after '{r.Fault}'")));
}
