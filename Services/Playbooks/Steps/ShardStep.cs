using RedisHaLab.Topology;

namespace RedisHaLab.Playbooks;

/// <summary>
/// A step written <c>name: g1</c>, whose value is the shard it acts on or checks: how it is read, its text and its check
/// that the inventory has the shard, in one place. A step of this shape derives from it and names its
/// <see cref="StepKind"/> once, through <see cref="Define"/>.
/// </summary>
public abstract record ShardStep(int Line, string Shard) : ScenarioStep(Line)
{
    /// <summary>This step's kind: its name is the one written before the shard.</summary>
    private protected abstract StepKind Kind { get; }

    /// <inheritdoc />
    public override string Text => $"{Kind.Names[0]}: {Shard}";

    internal override void Check(StepChecks checks) => checks.Shard(this, Shard);

    /// <summary>The kind of step <paramref name="name"/>, written <c>name: g1</c>, made by <paramref name="make"/> from its line and shard.</summary>
    private protected static StepKind Define(string name, Func<int, string, ShardStep> make) => new(name, (read, step) =>
    {
        var shard = step.Value is null ? read.Missing(step.Item, step.Name, $"{name}: g1") : read.Text(step.Value, step.Name);
        return shard is null ? null : make(step.Line, shard);
    });
}
