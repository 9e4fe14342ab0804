namespace RedisHaLab.Playbooks;

/// <summary>
/// A check that waits for a state of one shard, written <c>name: { shard: g1, timeout: 30s }</c>: how it is read, its
/// text and its check that the inventory has the shard, in one place (its worst case is its timeout, as for any
/// <see cref="WaitingStep"/>).
/// </summary>
public abstract record ShardWaitingStep(int Line, string Shard, TimeSpan Timeout) : WaitingStep(Line, Timeout)
{
    /// <inheritdoc />
    public override string Text => Written($"shard: {Shard}");

    internal override void Check(StepChecks checks) => checks.Shard(this, Shard);

    /// <summary>
    /// The kind of step <paramref name="name"/>, made by <paramref name="make"/> from its line, shard and timeout;
    /// <paramref name="example"/> is what a problem with its settings suggests writing.
    /// </summary>
    private protected static StepKind Define(string name, string example, Func<int, string, TimeSpan, ShardWaitingStep> make) => new(name, (read, step) =>
    {
        var args = read.Arguments(step.Value, step.Item, step.Name, ["shard"], ["timeout"], example);
        var (shard, timeout) = (args is null ? null : read.Text(args["shard"], "shard"), read.Timeout(args));
        return shard is null || timeout is null ? null : make(step.Line, shard, timeout.Value);
    });
}
