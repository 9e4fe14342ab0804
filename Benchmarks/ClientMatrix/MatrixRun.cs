using RedisHaLab.Faults;
using RedisHaLab.Harness;
using RedisHaLab.Playbooks;
using RedisHaLab.Probes;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.ClientMatrix;

/// <summary>What one client saw of one playbook.</summary>
/// <param name="Scenario">The playbook's file name.</param>
/// <param name="Client">The client's name.</param>
/// <param name="Verdict">Its figures; null when it printed no operation at all.</param>
/// <param name="Settled">How the shards its keys are on had settled when its keys were read (<see cref="ShardConvergence"/>).</param>
/// <param name="Problem">Why it has no figures, or what it printed besides operations when it printed none.</param>
public sealed record MatrixCell(string Scenario, string Client, ClientVerdict? Verdict, string Settled, string? Problem);

/// <summary>One playbook of the matrix: whether it held, and each client's cell.</summary>
public sealed record MatrixScenario(string Scenario, bool PlaybookPassed, string? PlaybookFailure, IReadOnlyList<MatrixCell> Cells);

/// <summary>
/// Runs the matrix: builds the clients, starts the post's lab once through the harness, and for each playbook starts
/// every client on keys of its own, runs the playbook, stops the clients, waits until the shards have settled
/// (<see cref="LabConvergence"/>), reads each client's keys on the settled masters, and resets the lab.
/// </summary>
internal static class MatrixRun
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(8);
    private static readonly TimeSpan PlaybookWithin = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ClientsServingWithin = TimeSpan.FromSeconds(30);

    // A client finishes its requests (2 s timeouts) within seconds of its input closing; past this it is killed.
    private static readonly TimeSpan ClientStopWithin = TimeSpan.FromSeconds(20);

    /// <summary>Runs every playbook of <paramref name="matrix"/> with every client; returns each playbook's cells.</summary>
    /// <param name="aroundStart">Runs the lab's start (the integration tests keep a machine's first start, which builds images, alone); null: as it is.</param>
    public static async Task<IReadOnlyList<MatrixScenario>> RunAsync(MatrixFile matrix, string repositoryRoot, int labIndex, TextWriter progress,
        CancellationToken cancellationToken, Func<Func<Task>, Task>? aroundStart = null)
    {
        var scenarios = matrix.Scenarios
            .Select(s => ScenarioLoader.Load(Path.Combine(repositoryRoot, MatrixFile.Folder, "scenarios", s), $"{MatrixFile.Folder}/scenarios/{s}"))
            .ToList();
        if (scenarios.FirstOrDefault(s => s.InventoryFile != Scenario.DefaultInventory) is { } elsewhere)
        {
            throw new MatrixClientException($"{elsewhere.SourceFile} runs on inventories/{elsewhere.InventoryFile}; the matrix runs every playbook on the post's lab " +
                                            $"({Scenario.DefaultInventory}): remove its 'inventory:' line, or run it with --play instead");
        }
        var commands = await ClientBuilds.PrepareAsync(matrix.Clients, repositoryRoot, progress, cancellationToken);
        var plan = LabPlan.For(Path.Combine(repositoryRoot, "inventories", Scenario.DefaultInventory), labIndex);
        await progress.WriteLineAsync($"starting the lab of {Scenario.DefaultInventory}");
        LabRun? started = null;
        await (aroundStart ?? (start => start()))(async () => started = await LabLaunch.StartAsync<Projects.AppHost>(plan, StartTimeout, quietLogs: true, cancellationToken));
        await using var lab = started!;
        await ClientBuilds.CheckImagesAsync(matrix.Clients, cancellationToken);
        var view = new LabView(plan.Inventory, plan.Password, LabEndpoints.Aspire);
        var run = $"{DateTime.UtcNow:yyyyMMddHHmmss}";
        var results = new List<MatrixScenario>();
        foreach (var (scenario, file) in scenarios.Zip(matrix.Scenarios))
        {
            results.Add(await RunScenarioAsync(scenario, file, matrix.Clients, commands, lab, view, $"matrix:{run}:{results.Count}", progress, cancellationToken));
            var undone = await lab.ResetAsync(LabReset.Within, cancellationToken);
            await progress.WriteLineAsync($"lab reset{(undone.Count == 0 ? "" : $": {string.Join("; ", undone)}")}");
        }
        return results;
    }

    private static async Task<MatrixScenario> RunScenarioAsync(Scenario scenario, string file, IReadOnlyList<MatrixClient> clients,
        IReadOnlyList<Func<string, IReadOnlyList<string>>> commands, LabRun lab, LabView view, string prefix, TextWriter progress,
        CancellationToken cancellationToken)
    {
        var processes = new List<ClientProcess>();
        try
        {
            for (var i = 0; i < clients.Count; i++)
            {
                var environment = ClientEnvironment.Of(clients[i], view.Inventory, view.Password, $"{prefix}:{i}");
                var container = $"redis-ha-lab-matrix-{i}-{Guid.NewGuid():N}"[..40];
                processes.Add(ClientProcess.Start(commands[i](container), environment, clients[i].Run is ClientLaunch.Container ? container : null));
            }
            // Every client serving before the fault, so that each one's outage is the playbook's and not its start's.
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (NotServedYet(clients, processes) is { } waiting)
            {
                if (waited.Elapsed > ClientsServingWithin)
                {
                    throw new MatrixClientException($"{waiting} within {ClientsServingWithin.TotalSeconds:0} s of its start, on a lab that serves");
                }
                await Task.Delay(100, cancellationToken);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(PlaybookWithin);
            var result = await new PlaybookRunner(lab.Chaos, new TextPlaybookProgress(progress)).RunAsync(scenario, timeout.Token);
            await Task.WhenAll(processes.Select(p => p.StopAsync(ClientStopWithin)));

            var convergence = await new LabConvergence(view).WaitAsync(LabConvergence.Within, cancellationToken);
            var cells = new List<MatrixCell>();
            for (var i = 0; i < clients.Count; i++)
            {
                cells.Add(await CellAsync(file, clients[i], processes[i], view, convergence));
            }
            return new MatrixScenario(file, result.Passed, result.Failure, cells);
        }
        finally
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }
        }
    }

    private static string? NotServedYet(IReadOnlyList<MatrixClient> clients, List<ClientProcess> processes)
    {
        for (var i = 0; i < clients.Count; i++)
        {
            if (!processes[i].Operations.Any(o => o.Ok))
            {
                return $"{clients[i].Name} has not been served yet (it printed: {processes[i].OtherOutput})";
            }
        }
        return null;
    }

    private static async Task<MatrixCell> CellAsync(string file, MatrixClient client, ClientProcess process, LabView view, IReadOnlyList<ShardConvergence> convergence)
    {
        var operations = process.Operations;
        if (operations.Count == 0)
        {
            return new MatrixCell(file, client.Name, null, "", $"printed no operation: {process.OtherOutput}");
        }
        // Which shard holds each key: the one the client follows, or where the proxy's ring sends it.
        var ring = KetamaRing.For(view.Inventory);
        var keys = operations.Select(o => o.Key).Distinct().ToList();
        var byShard = keys.GroupBy(k => client.Shard is { } followed
            ? view.Inventory.Shards.Single(s => s.Name == followed)
            : ring is null ? null : view.Inventory.Shards[ring.ServerOf(k)]).ToList();
        var settled = new Dictionary<string, string?>();
        var states = new List<string>();
        foreach (var group in byShard)
        {
            var state = convergence.SingleOrDefault(c => c.Shard == group.Key);
            if (state?.Master is not { } master)
            {
                states.Add($"{group.Key?.Name ?? "?"}: no master to read from");
                continue;
            }
            states.Add($"{group.Key!.Name}: {state}");
            await using var redis = await LabClients.RedisAsync(view.Endpoints.Of(master), view.Password);
            var values = await redis.GetDatabase().StringGetAsync([.. group.Select(k => (RedisKey)k)]);
            foreach (var (key, value) in group.Zip(values))
            {
                settled[key] = value.IsNull ? null : value.ToString();
            }
        }
        return new MatrixCell(file, client.Name, ClientVerdict.Of(operations, settled), string.Join("; ", states), null);
    }
}
