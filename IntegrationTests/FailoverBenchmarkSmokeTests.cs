using RedisHaLab.FailoverBenchmark;

namespace RedisHaLab.IntegrationTests;

/// <summary>
/// The failover benchmark, one round of the lab profile with a small key set, so that it cannot rot. It checks the
/// report files and that the figures are sane; the speed targets are the benchmark's to print, not this test's.
/// </summary>
[TestFixture]
[NonParallelizable]
public class FailoverBenchmarkSmokeTests
{
    private string _output = null!;

    [SetUp]
    public void MakeOutputFolder() => _output = Path.Combine(Path.GetTempPath(), $"failover-benchmark-smoke-{Guid.NewGuid():N}");

    [TearDown]
    public void RemoveOutputFolder()
    {
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }
    }

    [Test]
    public async Task One_round_of_the_lab_profile_writes_a_report_with_sane_figures()
    {
        var options = BenchmarkOptions.Parse(["--profiles", "lab", "--rounds", "1", "--keys", "2000", "--output", _output, "--seed", "7"],
            Repository.Root, DateTime.Now);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(12));

        var result = await FailoverBenchmarkRun.RunAsync(options, TestContext.Progress, timeout.Token);

        Assert.That(result.Problems, Is.Empty);
        foreach (var file in new[] { result.ReportPath, result.JsonPath, result.PlotPath, result.OperationsPath })
        {
            Assert.That(new FileInfo(file), Has.Property(nameof(FileInfo.Length)).GreaterThan(0), file);
        }
        var round = result.Profiles.Single().Figures.Single();
        Assert.Multiple(() =>
        {
            Assert.That(round.KilledShard, Is.EqualTo("g1"));
            Assert.That(round.PromotedInstance, Is.EqualTo("node24-redis-4500"));
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
