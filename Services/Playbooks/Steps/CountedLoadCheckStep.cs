using RedisHaLab.Load;
using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.Playbooks;

/// <summary>
/// A check written as its bare name (<c>- assert_no_write_failed</c>) that judges the load stopped last, once the shards
/// have converged and its writes are counted: how it is read, its text, its worst case and the counting, in one place;
/// the step itself says only what it asks of the count (<see cref="Judge"/>).
/// </summary>
public abstract record CountedLoadCheckStep(int Line) : ScenarioStep(Line)
{
    /// <summary>This step's kind: its name is the step's whole text.</summary>
    private protected abstract StepKind Kind { get; }

    /// <inheritdoc />
    public override string Text => Kind.Names[0];

    internal override bool IsCheck => true;

    // It waits for the shards to converge first.
    internal override TimeSpan WorstCase(Inventory inventory, IReadOnlyCollection<FaultStep> standing) => LabConvergence.Within;

    internal override async Task<string> RunAsync(PlaybookRun run, CancellationToken cancellationToken) =>
        Judge(await run.LastCountedLoadAsync(cancellationToken));

    /// <summary>The note for the report when <paramref name="last"/> passes; throws <see cref="ChaosException"/> when it does not.</summary>
    private protected abstract string Judge(LoadReport last);

    /// <summary>The kind of step <paramref name="name"/>, which takes no value, made by <paramref name="make"/> from its line.</summary>
    private protected static StepKind Define(string name, Func<int, CountedLoadCheckStep> make) =>
        new(name, (read, step) => read.NoValue(step.Value, step.Name) ? make(step.Line) : null);
}
