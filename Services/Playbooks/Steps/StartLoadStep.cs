using RedisHaLab.Load;
using RedisHaLab.Probes;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.Playbooks;

/// <summary><c>start_load: { rate: N }</c>: starts N writes a second through the proxy, each a new key, until <c>stop_load</c>.</summary>
public sealed record StartLoadStep(int Line, int RatePerSecond) : ScenarioStep(Line)
{
    internal static StepKind Definition { get; } = new("start_load", (read, step) =>
    {
        var args = read.Arguments(step.Value, step.Item, step.Name, ["rate"], [], "start_load: { rate: 200 }");
        var rate = args is null ? null : read.Number(args["rate"], step.Item, "start_load rate", 1, WriteLoad.MaxRatePerSecond, "rate: 200");
        return rate is null ? null : new StartLoadStep(step.Line, rate.Value);
    });

    /// <inheritdoc />
    public override string Text => $"start_load: {{ rate: {RatePerSecond} }}";

    internal override void Check(StepChecks checks)
    {
        var inventory = checks.Inventory;
        if (KetamaRing.For(inventory) is null)
        {
            checks.Problem(this, $"the load places each key on its shard by twemproxy's fnv1a_64 hash and ketama distribution, and {checks.InventoryName}'s proxy " +
                                 $"uses {inventory.Proxy.Hash} and {inventory.Proxy.Distribution}, so the load cannot tell which shard a write went to; " +
                                 "use an inventory with 'hash: fnv1a_64' and 'distribution: ketama', or remove the load");
        }
    }

    // The shards' masters asked, a few keys of each shard written and looked for on every master, a connection per shard.
    internal override TimeSpan WorstCase(Inventory inventory, IReadOnlyCollection<FaultStep> standing) =>
        (StepBudget.Quick * (2 * inventory.Shards.Count)) + (StepBudget.ProxyRoundTrip * (1 + inventory.Shards.Count));

    internal override async Task<string> RunAsync(PlaybookRun run, CancellationToken cancellationToken)
    {
        run.Load = await WriteLoad.StartAsync(run.Lab, RatePerSecond, $"load:{run.Id}");
        return "";
    }

    /// <summary>
    /// A playbook that failed, or ended, still stops its load and counts every write at convergence: the accounting of a
    /// failed run is the one most worth reading.
    /// </summary>
    internal static async Task StopAndCountLeftStandingAsync(PlaybookRun run)
    {
        try
        {
            if (run.Load is not null)
            {
                await run.StopLoadAsync();
                run.Progress.Note("the load was still running: stopped, to be counted at convergence");
            }
            await run.CountLoadsAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is ChaosException or RedisException or TimeoutException)
        {
            run.Progress.Note($"the load's writes could not be counted: {e.Message}");
        }
    }
}
