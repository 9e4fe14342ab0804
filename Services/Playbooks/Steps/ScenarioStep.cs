using RedisHaLab.Topology;

namespace RedisHaLab.Playbooks;

/// <summary>
/// One step of a scenario and the line it is written on. Each kind of step is one record in this folder that owns all
/// of itself: its name and how it is read (its <see cref="StepKind"/>, listed in <see cref="StepKinds"/>), what it needs
/// of the inventory, its worst-case time and how it runs; steps of one shape share the record that owns it (e.g.
/// <see cref="ShardStep"/>, <see cref="WaitingStep"/>). What spans steps (a load started then stopped, a forgery's
/// window, the faults standing) is judged by <see cref="ScenarioValidator"/>.
/// </summary>
public abstract record ScenarioStep(int Line)
{
    /// <summary>The step as a scenario writes it, e.g. <c>kill: master of g1</c>; reports print it.</summary>
    public abstract string Text { get; }

    /// <summary>
    /// True for a step that fails when what it checks does not hold: an assertion or a bounded wait for a state. A
    /// playbook without one passes whatever happens, so the validator refuses it.
    /// </summary>
    internal virtual bool IsCheck => false;

    /// <summary>Reports what this step alone needs of the inventory and does not find (its shard, its kind of target).</summary>
    internal virtual void Check(StepChecks checks)
    {
    }

    /// <summary>
    /// The longest this step may take on the lab of <paramref name="inventory"/>, from the bounds of the code that runs it,
    /// never zero (see <see cref="StepBudget"/>); <paramref name="standing"/>: the faults in place before it.
    /// </summary>
    internal abstract TimeSpan WorstCase(Inventory inventory, IReadOnlyCollection<FaultStep> standing);

    /// <summary>Runs the step; returns a note for the report, or throws (<see cref="ChaosException"/>, a client's error) when it fails.</summary>
    internal abstract Task<string> RunAsync(PlaybookRun run, CancellationToken cancellationToken);
}
