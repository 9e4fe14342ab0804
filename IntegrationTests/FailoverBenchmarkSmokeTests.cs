using RedisHaLab.FailoverBenchmark;
using RedisHaLab.Topology;

namespace RedisHaLab.IntegrationTests;

/// <summary>
/// The failover benchmark, one round of the lab profile with a small key set, so that it cannot rot. It checks the
/// report files and that the figures are sane; the speed targets are the benchmark's to print, not this test's. It
/// runs beside other fixtures, on a lab index of its own (<c>--lab-index</c>, as a user runs it beside another lab).
/// </summary>
[TestFixture]
public class FailoverBenchmarkSmokeTests
{
    private string _output = null!;
    private int _labIndex;

    [SetUp]
    public void MakeOutputFolder()
    {
        _output = Path.Combine(Path.GetTempPath(), $"failover-benchmark-smoke-{Guid.NewGuid():N}");
        _labIndex = LabIndexes.Take();
    }

    [TearDown]
    public void RemoveOutputFolder()
    {
        LabIndexes.Return(_labIndex);
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }
    }

    [Test]
    public async Task One_round_of_the_lab_profile_writes_a_report_with_sane_figures()
    {
        var options = BenchmarkOptions.Parse(["--profiles", "lab", "--rounds", "1", "--keys", "2000", "--output", _output, "--seed", "7",
                "--lab-index", _labIndex.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            Repository.Root, DateTime.Now);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(12));

        BenchmarkResult result = null!;
        // Through the first-start gate, as every fixture's start goes: on a cold machine the first start builds the images.
        await LabIndexes.FirstStart.RunAsync(async () => result = await FailoverBenchmarkRun.RunAsync(options, TestContext.Progress, timeout.Token));

        Assert.That(result.Problems, Is.Empty);
        foreach (var file in new[] { result.ReportPath, result.JsonPath, result.PlotPath, result.OperationsPath })
        {
            Assert.That(new FileInfo(file), Has.Property(nameof(FileInfo.Length)).GreaterThan(0), file);
        }
        var round = result.Profiles.Single().Figures.Single();
        Assert.Multiple(() =>
        {
            Assert.That(round.KilledShard, Is.EqualTo("g1"));
            Assert.That(round.PromotedInstance, Is.EqualTo(LabPlacement.ContainerPrefix(_labIndex) + "node24-redis-4500"));
            Assert.That(round.SdownAfterKillMs, Is.InRange(0, 30_000));
            Assert.That(round.OdownAfterKillMs, Is.InRange(round.SdownAfterKillMs!.Value, 30_000));
            Assert.That(round.SwitchMasterAfterKillMs, Is.InRange(round.OdownAfterKillMs!.Value, 30_000));
            Assert.That(round.KilledShardOutageMs, Is.InRange(1, 30_000), "the killed shard was out, then served again");
            Assert.That(round.KilledShardFailures, Is.GreaterThan(0));
            Assert.That(round.WritesAcknowledged, Is.GreaterThan(100));
            Assert.That(round.KeysChecked, Is.EqualTo(2000 - round.KeysUnlocated));
            Assert.That(round.KeysPerShard.Values, Is.All.GreaterThan(0), "random keys land on both shards");
            // The lab's own promise, already proved by FailoverTests: nothing goes missing through the proxy.
            Assert.That(round.KeysUnreadable, Is.Zero);
            Assert.That(round.AcknowledgedWritesLostReplicaHad, Is.Zero);
        });
        Assert.That(await File.ReadAllTextAsync(result.ReportPath), Does.Contain("| killed shard outage (s) |"));
    }
}
