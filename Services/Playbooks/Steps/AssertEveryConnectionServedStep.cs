using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.Playbooks;

/// <summary>
/// <c>assert_every_connection_served: { connections: 20 }</c>: at once, each of that many new front-door connections
/// writes probe keys, and every key is acknowledged and found on exactly one shard's current master (see
/// <see cref="FrontDoorSpread"/>). Behind a load balancer new connections spread over the proxies in rotation, so a
/// stale or dead proxy among them fails this.
/// </summary>
public sealed record AssertEveryConnectionServedStep(int Line, int Connections) : ScenarioStep(Line)
{
    internal static StepKind Definition { get; } = new("assert_every_connection_served", (read, step) =>
    {
        var args = read.Arguments(step.Value, step.Item, step.Name, ["connections"], [], "assert_every_connection_served: { connections: 20 }");
        var connections = args is null ? null : read.Number(args["connections"], step.Item, "assert_every_connection_served connections", 1, 200, "connections: 20");
        return connections is null ? null : new AssertEveryConnectionServedStep(step.Line, connections.Value);
    });

    /// <inheritdoc />
    public override string Text => $"assert_every_connection_served: {{ connections: {Connections} }}";

    internal override bool IsCheck => true;

    // The masters asked and connected to, then one connection after another: connect, write, read on each master.
    internal override TimeSpan WorstCase(Inventory inventory, IReadOnlyCollection<FaultStep> standing) =>
        (StepBudget.Quick * (2 * inventory.Shards.Count)) + (StepBudget.Quick * (Connections * (2 + inventory.Shards.Count)));

    internal override async Task<string> RunAsync(PlaybookRun run, CancellationToken cancellationToken)
    {
        var lab = run.Lab;
        var masters = await lab.Masters.RequireAllAsync(lab.Inventory);
        var problem = await FrontDoorSpread.ProblemAsync(lab.Endpoints.FrontDoor(lab.Inventory), masters, Connections, lab.Endpoints, lab.Password);
        return problem is null ? $"{Connections} new connections, each of their {FrontDoorSpread.KeysPerConnection} keys on a current master" : throw new ChaosException(problem);
    }
}
