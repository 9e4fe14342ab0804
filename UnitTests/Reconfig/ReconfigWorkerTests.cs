using Microsoft.Extensions.Logging.Abstractions;
using RedisHaLab.Reconfig;
using static RedisHaLab.UnitTests.Reconfig.Fixtures;

namespace RedisHaLab.UnitTests.Reconfig;

/// <summary>
/// The running service, wired as Program.cs wires it, over the apply path's fakes and a hand-fed Sentinel feed. The
/// periodic reconcile is an hour apart here, so nothing but the path under test can move the proxy in time: in the
/// lab, the 5 s reconcile would repair a dropped announcement and hide the bug behind a slower failover.
/// </summary>
public class ReconfigWorkerTests
{
    private const string G2Failover = $"{G2} node22-redis-4501 4501 node24-redis-4501 4501";
    private static readonly TimeSpan AtMost = TimeSpan.FromSeconds(10);

    private FakeProxy _proxy = null!;
    private FakeRoles _roles = null!;
    private ApplyPath _path = null!;
    private FakeSentinelFeed _feed = null!;
    private string _folder = null!;
    private ReconfigWorker _worker = null!;

    [SetUp]
    public void StartFromThePostsLab()
    {
        _proxy = new FakeProxy(PostLab);
        _roles = new FakeRoles().Says("node22-redis-4500", "master").Says("node24-redis-4500", "slave")
            .Says("node22-redis-4501", "master").Says("node24-redis-4501", "slave");
        _path = new ApplyPath(PostLab, _proxy, _roles);
        foreach (var sentinel in Sentinels)
        {
            _path.Sentinels.Says(sentinel, G1, "node22-redis-4500:4500", 0).Says(sentinel, G2, "node22-redis-4501:4501", 0);
        }
        _feed = new FakeSentinelFeed(Sentinels.Length);
        _folder = Directory.CreateTempSubdirectory("reconfig-worker-").FullName;
        var options = new ReconfigOptions { ReconcileIntervalSeconds = 3600 };
        _worker = new ReconfigWorker(options, PostLab, _feed, new ReconfigQueue(), _path.Reconciler, _path.Claims, _roles, _proxy,
            new ProxyConfigFile(Path.Combine(_folder, "redis_14555.yml")), _path.Verifier, _path.State, _path.Telemetry, NullLogger<ReconfigWorker>.Instance);
    }

    [TearDown]
    public async Task Stop()
    {
        await _worker.StopAsync(CancellationToken.None);
        _worker.Dispose();
        _path.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static string[] Sentinels => ["node22-sentinel", "node23-sentinel", "node24-sentinel"];

    // Catches: the worker dropping announcements (not queueing them, or not handing them to the claim handler).
    [Test]
    public async Task An_announcement_reaches_the_proxy_without_waiting_for_a_reconcile()
    {
        // Only the announcing Sentinel knows yet: a reconcile would follow the lagging majority and change nothing.
        Promote(G2, "node24-redis-4501", "node22-redis-4501", epoch: 1, "node23-sentinel");
        await StartAsync();

        _feed.Announce("node23-sentinel", G2Failover);

        await Until(() => _proxy.RunningServerOf(PostLab, "g2") == "node24-redis-4501:4501", "the announced master");
        Assert.That(_proxy.RunningServerOf(PostLab, "g1"), Is.EqualTo("node22-redis-4500:4500"));
    }

    // Catches: no start-up pass: a failover that happened while the service was down would wait for the timer.
    [Test]
    public async Task A_failover_missed_while_the_service_was_down_is_repaired_at_start_up()
    {
        Promote(G2, "node24-redis-4501", "node22-redis-4501", epoch: 1, Sentinels);

        await StartAsync();

        await Until(() => _proxy.RunningServerOf(PostLab, "g2") == "node24-redis-4501:4501", "the master the Sentinels agree on");
    }

    // Catches: a (re)connected Sentinel not triggering a reconcile: what it learnt while unreachable would wait for the timer.
    [Test]
    public async Task A_reconnected_sentinel_triggers_a_reconcile()
    {
        await StartAsync();
        await Until(() => _path.Sentinels.Polls >= PostLab.Shards.Count, "the start-up pass");
        Promote(G2, "node24-redis-4501", "node22-redis-4501", epoch: 1, Sentinels);

        _feed.Connected("node24-sentinel");

        await Until(() => _proxy.RunningServerOf(PostLab, "g2") == "node24-redis-4501:4501", "the master the Sentinels agree on");
    }

    // Catches: a surprise in one step ending the worker (the host would stop and no later failover would be applied).
    [Test]
    public async Task A_step_that_throws_leaves_the_worker_applying_the_next_announcement()
    {
        await StartAsync();
        await Until(() => _path.Sentinels.Polls >= PostLab.Shards.Count, "the start-up pass");
        _proxy.FailNextRead = true;
        _feed.Connected("node22-sentinel");
        await Until(() => !_proxy.FailNextRead, "the failing step");
        Promote(G2, "node24-redis-4501", "node22-redis-4501", epoch: 1, "node23-sentinel");

        _feed.Announce("node23-sentinel", G2Failover);

        await Until(() => _proxy.RunningServerOf(PostLab, "g2") == "node24-redis-4501:4501", "the announced master");
    }

    private async Task StartAsync()
    {
        await _worker.StartAsync(CancellationToken.None);
        await _feed.Listening.WaitAsync(AtMost);
    }

    private void Promote(string masterName, string replica, string master, long epoch, params string[] sentinels)
    {
        _roles.Says(replica, "master").Says(master, "slave");
        var port = replica[(replica.LastIndexOf('-') + 1)..];
        foreach (var sentinel in sentinels)
        {
            _path.Sentinels.Says(sentinel, masterName, $"{replica}:{port}", epoch);
        }
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(AtMost);
        while (!condition())
        {
            Assert.That(timeout.IsCancellationRequested, Is.False, $"waited {AtMost.TotalSeconds} s for {what}");
            await Task.Delay(10);
        }
    }
}
