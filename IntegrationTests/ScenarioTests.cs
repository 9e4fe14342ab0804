using Aspire.Hosting.ApplicationModel;
using RedisHaLab.Faults;
using RedisHaLab.Playbooks;
using RedisHaLab.Probes;

namespace RedisHaLab.IntegrationTests;

/// <summary>
/// The playbooks under <c>scenarios/*.yml</c> (copied beside the tests), one test case per file: adding a scenario needs no C#. The cases
/// share one lab; between two of them the lab is reset to its inventory's state (cheap), and only when that fails is a
/// fresh lab started (minutes on this machine). The files are run by two fixtures, on two labs side by side
/// (<see cref="MoreScenarioTests"/> has the other half): the longest fixture is what the suite waits for.
/// </summary>
[TestFixture]
public class ScenarioTests() : ScenarioFixture(RedisHaLab.Playbooks.Scenario.DefaultInventory, "scenarios.md")
{
    /// <summary>How many fixtures share the scenario files side by side: this one and <see cref="MoreScenarioTests"/>.</summary>
    internal const int Parts = 2;

    /// <summary>The part of the files <see cref="TimedScenarioTests"/> runs alone.</summary>
    internal const int AlonePart = Parts;

    /// <summary>
    /// Playbooks that hold only while the machine keeps a timer of a second or two, so they run alone: a master
    /// restarted "at once", within Sentinel's 2.5 s down-after (beside a second lab the restart took 3.04 s and Sentinel
    /// failed the shard over); a master that takes writes only while its replica acknowledged within 1 s
    /// (<c>min-replicas-max-lag 1</c>: beside a second lab, it answered NOREPLICAS to the playbook's first writes).
    /// </summary>
    private static bool HoldsOnlyOnATimer(string path) =>
        Path.GetFileName(path) is var name && (name.StartsWith("restart-master-at-once", StringComparison.Ordinal) || name.Contains("-with-min-replicas", StringComparison.Ordinal));

    /// <summary>
    /// The scenario files of <paramref name="part"/>, in name order: those on the default inventory taken turn about by
    /// parts 0 and 1, those on another inventory in the last part and last in it (each costs a fresh lab, and grouped at
    /// the end they cost one each, not two); <see cref="AlonePart"/>: the files that hold only on a timer of a second or two.
    /// </summary>
    public static IEnumerable<TestCaseData> ScenarioFiles(int part)
    {
        var files = Directory.EnumerateFiles(ScenarioFolder, "*.yml").Order(StringComparer.Ordinal)
            .Select(path => (Path: path, Home: ScenarioLoader.Load(path).InventoryFile == RedisHaLab.Playbooks.Scenario.DefaultInventory))
            .ToList();
        var chosen = part == AlonePart
            ? files.Where(f => HoldsOnlyOnATimer(f.Path)).OrderBy(f => !f.Home)
            : files.Where(f => f.Home && !HoldsOnlyOnATimer(f.Path)).Where((_, i) => i % Parts == part)
                .Concat(part == Parts - 1 ? files.Where(f => !f.Home && !HoldsOnlyOnATimer(f.Path)) : []);
        return chosen.Select(f => new TestCaseData(Path.GetFileName(f.Path)).SetArgDisplayNames(Path.GetFileNameWithoutExtension(f.Path)));
    }

    [TestCaseSource(nameof(ScenarioFiles), [0])]
    public Task Scenario(string file) => RunScenarioAsync(file);

    // First, on the lab of the post nothing has touched yet: after the scenarios the lab may be another inventory's.
    [Test]
    [Order(1)]
    public async Task The_dashboard_commands_stage_their_faults_on_the_running_lab()
    {
        if (InventoryFile != HomeInventory)
        {
            await FreshLabAsync(HomeInventory, "the commands are checked on the post's lab");
        }
        await ResetOrRestartAsync();
        var g1 = Inventory.Shards.Single(s => s.Name == "g1");
        var g2Replica = Inventory.Shards.Single(s => s.Name == "g2").Replicas[0];
        var sentinel = Inventory.Sentinels.Instances[^1].Name;

        // The failover first, on a lab nothing else has touched yet; the other faults then go elsewhere.
        await Command(g1.Master.Name, "chaos-failover-g1");
        await Eventually(async () => (await Lab.Sentinels.MasterOfAsync(g1)).Master == g1.Replicas[0] ? null : "g1 not failed over yet",
            TimeSpan.FromSeconds(30), "the Sentinels fail g1 over");
        // And back, the planned way: the command returns once the proxy serves the new master, so the data says so at once.
        await Command(g1.Replicas[0].Name, "chaos-switchover-g1");
        Assert.That((await new ShardMasters(Lab.Sentinels).RequireAllAsync(Inventory))[g1], Is.EqualTo(g1.Master), "g1 switched back over to its first master");

        await Command(g2Replica.Name, "chaos-pause");
        Assert.That(await Lab.Containers.IsSignalStoppedAsync(g2Replica.Name, CancellationToken.None), Is.True, "paused");
        await Command(g2Replica.Name, "chaos-resume");
        Assert.That(await Lab.Containers.IsSignalStoppedAsync(g2Replica.Name, CancellationToken.None), Is.False, "resumed");

        await Command(g2Replica.Name, "chaos-partition");
        Assert.That(await Lab.Network.IsCutOffAsync(g2Replica.Name, CancellationToken.None), Is.True, "cut off");
        Assert.That((await RedisProbe.ReplicationAsync(g2Replica, Lab.Endpoints, Password)).Answered, Is.False, "a cut-off replica does not answer on its published port");
        await Command(g2Replica.Name, "chaos-heal");
        Assert.That(await Lab.Network.IsCutOffAsync(g2Replica.Name, CancellationToken.None), Is.False, "reconnected");
        Assert.That((await RedisProbe.ReplicationAsync(g2Replica, Lab.Endpoints, Password)).Answered, Is.True, "a reconnected replica answers again");

        await Command(sentinel, "chaos-kill");
        Assert.That(await Lab.Containers.IsRunningAsync(sentinel, CancellationToken.None), Is.False, "killed");
        // The way back from a kill is Aspire's own Start (which makes the container anew).
        await Command(sentinel, KnownResourceCommands.StartCommand);
        await App.ResourceNotifications.WaitForResourceHealthyAsync(sentinel).WaitAsync(TimeSpan.FromSeconds(60));

        await Command("node24", "chaos-kill-node");
        foreach (var container in TargetResolver.ContainersOn(Inventory, Inventory.Nodes.Single(n => n.Name == "node24")))
        {
            Assert.That(await Lab.Containers.IsRunningAsync(container, CancellationToken.None), Is.False, $"{container} killed with its node");
        }
    }
}

/// <summary>The other half of <c>scenarios/*.yml</c> (<see cref="ScenarioTests.ScenarioFiles"/>), on a lab of its own beside <see cref="ScenarioTests"/>'s.</summary>
[TestFixture]
public class MoreScenarioTests() : ScenarioFixture(RedisHaLab.Playbooks.Scenario.DefaultInventory, "scenarios-2.md")
{
    [TestCaseSource(typeof(ScenarioTests), nameof(ScenarioTests.ScenarioFiles), [1])]
    public Task Scenario(string file) => RunScenarioAsync(file);
}

/// <summary>The scenario files that hold only on a timer of a second or two, on a lab of their own with nothing beside it.</summary>
[TestFixture]
[NonParallelizable]
public class TimedScenarioTests() : ScenarioFixture(RedisHaLab.Playbooks.Scenario.DefaultInventory, "scenarios-timed.md")
{
    [TestCaseSource(typeof(ScenarioTests), nameof(ScenarioTests.ScenarioFiles), [ScenarioTests.AlonePart])]
    public Task Scenario(string file) => RunScenarioAsync(file);

    // A proof that must be able to fail: this playbook fails at its switchover by construction (the proxy cannot
    // follow), and what it must show is the abort's accounting, counted at convergence when the playbook ends. Alone,
    // on a timer too: the switchover gives the Sentinels 4 s to name the promoted replica, and beside a second lab a
    // look at them once took longer, so the step aborted before any promotion and the proof had nothing to show.
    [Test]
    public async Task A_switchover_with_the_reconfig_service_down_fails_at_its_step_and_loses_no_acknowledged_write()
    {
        var result = await PlayAsync("must-fail/switchover-with-reconfig-down.yml");

        Assert.That(result.FailedStep?.Text, Is.EqualTo("switchover: g1"), result.Failure ?? "the playbook passed");
        var g1 = result.Loads.Single().Shards.Single(s => s.Shard == "g1");
        Assert.That(g1.Acknowledged, Is.GreaterThan(0), g1.ToString());
        // The writes held by the pause were dropped with the old master's clients (indeterminate to the client) and
        // none of them ran there; those sent after it are refused (READONLY).
        Assert.That(g1.Indeterminate + g1.Failed, Is.GreaterThan(0), $"writes held or sent after the abort did not succeed: {g1}");
        Assert.That(g1.IndeterminateApplied, Is.Zero, $"no held write ran on the old master: {g1}");
        Assert.That((g1.Lost, g1.RolledBack), Is.EqualTo((0, 0)), $"nothing acknowledged lost: {g1}");
        Assert.That(g1.Convergence.Master, Is.EqualTo(Inventory.Shards.Single(s => s.Name == "g1").Replicas[0]),
            $"counted on the promoted replica, which g1's data settled on: {g1}");
    }
}

/// <summary>
/// A lab shared by scenario test cases: each case runs one scenario file, on the fixture's own inventory when the
/// scenario names the default one (so a fixture of another inventory, e.g. with authentication, runs the same files).
/// </summary>
public abstract class ScenarioFixture(string inventory, string summaryFile) : LabFixture(inventory)
{
    private static readonly TimeSpan ScenarioWithin = TimeSpan.FromMinutes(10);

    private readonly List<PlaybookResult> _results = [];
    private ChaosLab? _lab;
    private bool _labIsFresh = true;

    /// <summary>The inventory the fixture runs on unless a scenario names another.</summary>
    protected string HomeInventory { get; } = inventory;

    /// <summary>
    /// Runs the playbook <paramref name="file"/> (of <c>scenarios/</c>) on a lab reset to its inventory's state, through
    /// the runner <c>--play</c> uses; fails the test with the failed step's file, line and reason.
    /// </summary>
    protected async Task RunScenarioAsync(string file)
    {
        var result = await PlayAsync(file);
        Assert.That(result.Failure, Is.Null, $"{file} failed");
    }

    /// <summary>Runs the playbook <paramref name="file"/> as <see cref="RunScenarioAsync"/> does and returns what it measured, passed or not.</summary>
    protected async Task<PlaybookResult> PlayAsync(string file)
    {
        var scenario = ScenarioLoader.Load(Path.Combine(ScenarioFolder, file), $"scenarios/{file}");
        var inventory = scenario.InventoryFile == RedisHaLab.Playbooks.Scenario.DefaultInventory ? HomeInventory : scenario.InventoryFile;
        if (inventory != InventoryFile)
        {
            await FreshLabAsync(inventory, $"{file} runs on {inventory}");
        }
        ScenarioValidator.Validate(scenario, Inventory);
        await ResetOrRestartAsync();

        using var timeout = new CancellationTokenSource(ScenarioWithin);
        var result = await new PlaybookRunner(Lab, new TextPlaybookProgress(TestContext.Out)).RunAsync(scenario, timeout.Token);
        _results.Add(result);
        await WriteSummaryAsync();
        return result;
    }

    [OneTimeTearDown]
    public void DisposeChaosLab() => _lab?.Dispose();

    /// <summary>Runs a resource command as the dashboard would, and fails the test with its message if it fails.</summary>
    protected async Task Command(string resource, string command)
    {
        var result = await App.ResourceCommands.ExecuteCommandAsync(resource, command);
        Assert.That(result.Success, Is.True, $"{command} on {resource}: {result.Message}");
    }

    protected static string ScenarioFolder => Path.Combine(AppContext.BaseDirectory, "Scenarios");

    // The reconfig service is a container of the lab: chaos stops and starts it through Docker like any other.
    protected ChaosLab Lab => _lab ??= new ChaosLab(Inventory, Password);

    /// <summary>Puts the shared lab back to the inventory's state; a lab that cannot be reset is replaced by a fresh one.</summary>
    protected async Task ResetOrRestartAsync()
    {
        if (_labIsFresh)
        {
            _labIsFresh = false;
            return;
        }
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var done = await ResetLabAsync(LabReset.Within);
            TestContext.Out.WriteLine($"reset to {InventoryFile} in {clock.Elapsed.TotalSeconds:0.0} s: {(done.Count == 0 ? "nothing to undo" : string.Join(", ", done))}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever stopped the reset, a fresh lab is the way back to a known state.
            await FreshLabAsync(InventoryFile, $"reset failed: {e.Message}", broken: true);
            // The caller uses it: the next one must reset.
            _labIsFresh = false;
        }
    }

    /// <summary>
    /// Replaces the running lab with one of <paramref name="inventory"/> in its inventory's state (<see cref="LabPool"/>:
    /// reset, or started); a <paramref name="broken"/> one is stopped rather than kept for another fixture.
    /// </summary>
    protected async Task FreshLabAsync(string inventory, string why, bool broken = false)
    {
        TestContext.Out.WriteLine($"taking a lab of {inventory} in its inventory's state ({why})");
        _lab?.Dispose();
        _lab = null;
        await RestartLabAsync(inventory, broken);
        _labIsFresh = true;
    }

    /// <summary>The table of every scenario run so far, kept with the test results (<c>.lab/test-results/</c>, one file per fixture).</summary>
    private async Task WriteSummaryAsync()
    {
        var table = PlaybookReport.Table(_results);
        var folder = Path.Combine(Repository.Root, Topology.LabStateLayout.LabsFolder, Topology.LabStateLayout.TestResultsFolder);
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, summaryFile), table);
        TestContext.Out.WriteLine(table);
    }
}
