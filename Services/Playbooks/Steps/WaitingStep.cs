using RedisHaLab.Topology;

namespace RedisHaLab.Playbooks;

/// <summary>
/// A check that waits at most <see cref="Timeout"/> for a state, written <c>name: { ..., timeout: 30s }</c> (the timeout
/// optional): it is a check, its worst case is its timeout, and its text ends with the timeout. A step that takes only a
/// timeout is read by <see cref="Define"/>; one with settings of its own reads them itself and writes them through
/// <see cref="Written"/>.
/// </summary>
public abstract record WaitingStep(int Line, TimeSpan Timeout) : ScenarioStep(Line)
{
    /// <summary>This step's kind: its name starts the step's text.</summary>
    private protected abstract StepKind Kind { get; }

    /// <inheritdoc />
    public override string Text => Written();

    internal override bool IsCheck => true;

    internal override TimeSpan WorstCase(Inventory inventory, IReadOnlyCollection<FaultStep> standing) => Timeout;

    /// <summary>The step as written: its name, then <paramref name="settings"/> (each <c>key: value</c>) and the timeout.</summary>
    private protected string Written(params string[] settings) =>
        $"{Kind.Names[0]}: {{ {string.Join(", ", settings.Append($"timeout: {DurationText.Format(Timeout)}"))} }}";

    /// <summary>The kind of step <paramref name="name"/>, written <c>name: { timeout: 30s }</c> or bare, made by <paramref name="make"/> from its line and timeout.</summary>
    private protected static StepKind Define(string name, Func<int, TimeSpan, WaitingStep> make) => new(name, (read, step) =>
    {
        var timeout = read.Timeout(read.Arguments(step.Value, step.Item, step.Name, [], ["timeout"], $"{name}: {{ timeout: 30s }}"));
        return timeout is null ? null : make(step.Line, timeout.Value);
    });
}
