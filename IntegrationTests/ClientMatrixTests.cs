using RedisHaLab.ClientMatrix;

namespace RedisHaLab.IntegrationTests;

/// <summary>
/// The client matrix at a size that fits the suite: three of its clients (StackExchange.Redis 3.4.35 through the front
/// door, the same Sentinel-aware from the host, redis-cli in a container) through the post's failover, and through the
/// matrix's run that must fail, a failover with the reconfig service down, where the front door's client must show
/// acknowledged writes lost. The full matrix is a program (Benchmarks/ClientMatrix); its figures are its report's.
/// </summary>
[TestFixture]
public class ClientMatrixTests
{
    private const string FrontDoorClient = "StackExchange.Redis 3.4.35";
    private const string SentinelAwareClient = "StackExchange.Redis 3.4.35 Sentinel-aware";
    private const string RedisCliClient = "redis-cli 7.0.15";
    private const string Kill = "kill-master-g1.yml";
    private const string MustLose = "lose-g1-writes-with-reconfig-down.yml";

    private string _output = null!;

    [SetUp]
    public void MakeOutputFolder() => _output = Path.Combine(Path.GetTempPath(), $"client-matrix-{Guid.NewGuid():N}");

    [TearDown]
    public void RemoveOutputFolder()
    {
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }
    }

    [Test]
    public async Task Three_clients_through_a_failover_and_through_a_run_that_must_lose_writes()
    {
        var file = MatrixFile.Load(Repository.Root, Path.Combine(Repository.Root, MatrixFile.Folder, "clients.yml"), "ClientMatrix/clients.yml");
        var matrix = new MatrixFile([Kill, MustLose], [.. file.Clients.Where(c => c.Name is FrontDoorClient or SentinelAwareClient or RedisCliClient)]);
        Assert.That(matrix.Clients, Has.Count.EqualTo(3));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(12));
        var labIndex = LabIndexes.Take();
        IReadOnlyList<MatrixScenario> scenarios;
        try
        {
            scenarios = await MatrixRun.RunAsync(matrix, Repository.Root, labIndex, TestContext.Progress, timeout.Token, LabIndexes.FirstStart.RunAsync);
        }
        finally
        {
            LabIndexes.Return(labIndex);
        }
        var report = await File.ReadAllTextAsync(MatrixReport.Write(_output, scenarios, "test", "now"));
        await TestContext.Out.WriteLineAsync(report);

        var kill = scenarios.Single(s => s.Scenario == Kill);
        Assert.Multiple(() =>
        {
            Assert.That(kill.PlaybookPassed, Is.True, kill.PlaybookFailure);
            Assert.That(kill.Cells.Select(c => c.Problem), Is.All.Null, "every client printed its operations");
            foreach (var cell in kill.Cells)
            {
                // Served, not how often: redis-cli starts a process per command, and beside a second lab it managed 9.
                Assert.That(cell.Verdict!.WritesAcknowledged, Is.GreaterThan(0), $"{cell.Client} wrote through the run");
            }
            // g1 is the shard the Sentinel-aware client follows, and half of the front door's keys are on it.
            Assert.That(Cell(kill, FrontDoorClient).LongestOutageMs, Is.GreaterThan(1000), "the killed master made an outage the front door's client saw");
            Assert.That(Cell(kill, SentinelAwareClient).LongestOutageMs, Is.GreaterThan(1000), "and one the Sentinel-aware client saw");
            Assert.That(report, Does.Contain(MatrixReport.Header));
        });

        // The run that must fail: the matrix finds the writes the old master acknowledged and threw away.
        var mustLose = scenarios.Single(s => s.Scenario == MustLose);
        Assert.That(Cell(mustLose, FrontDoorClient).AcknowledgedWritesLost, Is.GreaterThan(0),
            "the front door's client wrote to g1's old master while the proxy still pointed there; those writes are gone");
    }

    private static ClientVerdict Cell(MatrixScenario scenario, string client) =>
        scenario.Cells.Single(c => c.Client == client).Verdict ?? throw new AssertionException($"{client} has no figures for {scenario.Scenario}");
}
