using RedisHaLab.Faults;
using RedisHaLab.Load;


namespace RedisHaLab.Playbooks;

/// <summary>How one step of a playbook ended.</summary>
public enum StepOutcome
{
    /// <summary>It did what it says (an assertion held, a fault was applied, a wait ended in time).</summary>
    Passed,

    /// <summary>It did not: the playbook stopped here.</summary>
    Failed,

    /// <summary>An earlier step failed, so this one never ran.</summary>
    NotRun,
}

/// <summary>One step as it ran: its line and text in the file, how long it took, how it ended and what it saw.</summary>
public sealed record StepResult(int Line, string Text, TimeSpan Duration, StepOutcome Outcome, string Note);

/// <summary>How long a disruptive fault took to stop mattering: from the fault to every key readable through the front door.</summary>
public sealed record Recovery(string Fault, TimeSpan Duration);

/// <summary>What running one playbook measured, and whether every step of it held.</summary>
/// <param name="Name">The playbook's name (its file name without the extension).</param>
/// <param name="SourceFile">The file, as named in errors.</param>
/// <param name="Description">What it stages and expects.</param>
/// <param name="Duration">How long it ran.</param>
/// <param name="Steps">Every step of the file, in order, run or not.</param>
/// <param name="Recoveries">Fault-to-readable times measured by its <c>assert_keys_readable</c> steps.</param>
/// <param name="Loads">Each write load's report, one per <c>stop_load</c> that ran, in order.</param>
/// <param name="Switchovers">Each planned switchover done, in order.</param>
/// <param name="Failure"><c>file:line: 'step' failed: why</c>, or null when every step held.</param>
public sealed record PlaybookResult(
    string Name,
    string SourceFile,
    string Description,
    TimeSpan Duration,
    IReadOnlyList<StepResult> Steps,
    IReadOnlyList<Recovery> Recoveries,
    IReadOnlyList<LoadReport> Loads,
    IReadOnlyList<SwitchoverOutcome> Switchovers,
    string? Failure)
{
    /// <summary>Whether every step held.</summary>
    public bool Passed => Failure is null;

    /// <summary>The step that failed, if one did.</summary>
    public StepResult? FailedStep => Steps.FirstOrDefault(s => s.Outcome == StepOutcome.Failed);
}

/// <summary>
/// Where a running playbook tells what it does, as it does it: the console (live, with the load's counters), a
/// dashboard resource's log, a test's output.
/// </summary>
public interface IPlaybookProgress
{
    /// <summary>The playbook begins.</summary>
    void PlaybookStarted(Scenario playbook);

    /// <summary>A step begins; <paramref name="load"/> reads the running load's counters (null when none runs).</summary>
    void StepStarted(ScenarioStep step, Func<LoadCounters?> load);

    /// <summary>A step ended; <paramref name="load"/> is the load's counters then, null when none runs.</summary>
    void StepEnded(StepResult step, LoadCounters? load);

    /// <summary>Something worth a line that is not a step (the routing seen, a forgery undone).</summary>
    void Note(string line);

    /// <summary>The playbook ended.</summary>
    void PlaybookEnded(PlaybookResult result);
}
