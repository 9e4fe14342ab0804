using RedisHaLab.Faults;
using RedisHaLab.Probes;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.Playbooks;

/// <summary>
/// <c>forge_master: { shard: g1, address: master of g2 }</c>: tells every Sentinel, with a forged hello at an epoch above
/// theirs, that the one instance the address means masters the shard (see <see cref="SentinelForgery"/>). Must be
/// undone by <c>restore_master</c> within seconds (the validator holds it to <see cref="ScenarioValidator.ForgeryWindow"/>),
/// and is undone by the runner whatever ends the playbook.
/// </summary>
public sealed record ForgeMasterStep(int Line, string Shard, FaultTarget Address) : ScenarioStep(Line)
{
    internal static StepKind Definition { get; } = new("forge_master", (read, step) =>
    {
        var args = read.Arguments(step.Value, step.Item, step.Name, ["shard", "address"], [], "forge_master: { shard: g1, address: master of g2 }");
        var shard = args is null ? null : read.Text(args["shard"], "shard");
        var address = args is null ? null : read.Target(args["address"], step.Item, "forge_master address", "address: master of g2");
        return shard is null || address is null ? null : new ForgeMasterStep(step.Line, shard, address);
    });

    /// <inheritdoc />
    public override string Text => $"forge_master: {{ shard: {Shard}, address: {Address} }}";

    internal override void Check(StepChecks checks)
    {
        checks.Shard(this, Shard);
        checks.RedisInstance(this, Address);
    }

    internal override TimeSpan WorstCase(Inventory inventory, IReadOnlyCollection<FaultStep> standing) => SentinelForgery.ForgeWithin;

    internal override async Task<string> RunAsync(PlaybookRun run, CancellationToken cancellationToken)
    {
        // Counted as standing before it is sent: even a forgery only some Sentinels took must be undone.
        run.Forged.Add(Shard);
        return await run.Lab.Faults.ForgeMasterAsync(run.Lab.Shard(Shard), Address);
    }

    /// <summary>
    /// A forgery left standing (a step failed between forge_master and restore_master) destroys a shard's data within
    /// seconds: the runner undoes it first, whatever stopped the playbook.
    /// </summary>
    internal static async Task RestoreLeftStandingAsync(PlaybookRun run)
    {
        foreach (var shard in run.Forged.ToList())
        {
            try
            {
                run.Progress.Note($"restoring the forged master of {shard}: {await run.Lab.Faults.RestoreMasterAsync(run.Lab.Shard(shard), CancellationToken.None)}");
            }
            catch (Exception e) when (e is ChaosException or RedisException or TimeoutException)
            {
                run.Progress.Note($"restoring the forged master of {shard} failed: {e.Message}");
            }
            run.Forged.Remove(shard);
        }
    }
}
