using System.Diagnostics;
using System.Globalization;
using System.Text;
using RedisHaLab.Faults;
using RedisHaLab.Playbooks;
using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.IntegrationTests;

/// <summary>
/// The same playbooks against the same inventory deployed as a Docker Swarm stack instead of the Aspire lab:
/// published by the AppHost (<c>--publish swarm</c>), deployed once on a one-node swarm by <c>eng/swarm.sh deploy</c>
/// and removed again by <c>eng/swarm.sh remove</c> (the swarm too, when the deploy made it). Host-side chaos reaches
/// the stack through <see cref="LabSite.Swarm"/>: containers by Swarm's labels, instances on their host ports.
/// </summary>
[TestFixture]
[NonParallelizable]
public class SwarmScenarioTests
{
    private static readonly TimeSpan ScenarioWithin = TimeSpan.FromMinutes(10);

    private readonly List<PlaybookResult> _results = [];
    private string _stackFolder = "";
    private ChaosLab? _lab;

    /// <summary>The playbooks run on the stack (the others stay on the Aspire lab's fixture).</summary>
    public static IEnumerable<TestCaseData> Playbooks() =>
        // The resolver cut proves the stack's own resolvers (dns: and the wrapped command) as the Aspire lab's are proved.
        new[] { "kill-master-g1.yml", "kill-node22.yml", "partition-master-then-heal.yml", "isolate-master-g1.yml", "kill-master-while-resolvers-are-down.yml" }
            .Select(file => new TestCaseData(file).SetArgDisplayNames(Path.GetFileNameWithoutExtension(file)));

    [OneTimeSetUp]
    public async Task PublishAndDeploy()
    {
        // The stack publishes its front door on every address of the machine, 127.N.0.1:14555 of an idle lab among them.
        await LabPool.StopIdleAsync();
        _stackFolder = Path.Combine(Repository.Root, LabStateLayout.LabsFolder, LabStateLayout.SwarmFolder, "post-2016");
        await RepositoryCommand.RunAsync("dotnet", ["run", "--project", "AppHost", "-c", "Release", "--no-build", "--",
            "--inventory", Path.Combine(Repository.Root, "inventories", RedisHaLab.Playbooks.Scenario.DefaultInventory), "--publish", "swarm", "--output", _stackFolder], TimeSpan.FromMinutes(2));
        var clock = Stopwatch.StartNew();
        await RepositoryCommand.RunAsync(Path.Combine(Repository.Root, "eng", "swarm.sh"), ["deploy", _stackFolder], TimeSpan.FromMinutes(10));
        TestContext.Out.WriteLine($"stack deployed and serving in {clock.Elapsed.TotalSeconds:0.0} s");

        var inventory = InventoryLoader.Load(Path.Combine(_stackFolder, "files", Path.GetFileName(RedisHaLab.Playbooks.Scenario.DefaultInventory)));
        _lab = new ChaosLab(inventory, password: null, LabSite.Swarm(inventory, Swarm.SwarmNames.DefaultStack));
    }

    [OneTimeTearDown]
    public async Task Remove()
    {
        _lab?.Dispose();
        await WriteSummaryAsync();
        if (_stackFolder.Length > 0 && Directory.Exists(_stackFolder))
        {
            await RepositoryCommand.RunAsync(Path.Combine(Repository.Root, "eng", "swarm.sh"), ["remove", _stackFolder], TimeSpan.FromMinutes(3));
        }
    }

    [TestCaseSource(nameof(Playbooks))]
    public async Task Playbook_passes_on_the_Swarm_stack(string file)
    {
        var lab = _lab!;
        var scenario = ScenarioLoader.Load(Path.Combine(AppContext.BaseDirectory, "Scenarios", file), $"scenarios/{file}");
        ScenarioValidator.Validate(scenario, lab.Inventory);
        // A fresh stack too: the deploy's own wait says it serves, the reset's that it is the inventory's in every
        // respect (each Sentinel knowing the others, routing by probe keys) before a fault lands on it. No fresh stack
        // to fall back on within a test's time: a reset that fails fails the playbook.
        var done = await new LabReset(lab).ResetAsync(LabReset.Within, CancellationToken.None);
        TestContext.Out.WriteLine($"reset the stack: {(done.Count == 0 ? "nothing to undo" : string.Join(", ", done))}");
        using var timeout = new CancellationTokenSource(ScenarioWithin);
        var result = await new PlaybookRunner(lab, new TextPlaybookProgress(TestContext.Out)).RunAsync(scenario, timeout.Token);
        _results.Add(result);
        Assert.That(result.Failure, Is.Null, $"{file} failed on the Swarm stack");
    }

    /// <summary>The same table as the Aspire lab's fixtures, for the stack (<c>.lab/test-results/scenarios-swarm.md</c>).</summary>
    private async Task WriteSummaryAsync()
    {
        if (_results.Count == 0)
        {
            return;
        }
        var table = PlaybookReport.Table(_results);
        var folder = Path.Combine(Repository.Root, LabStateLayout.LabsFolder, LabStateLayout.TestResultsFolder);
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "scenarios-swarm.md"), table);
        TestContext.Out.WriteLine(table);
    }
}
