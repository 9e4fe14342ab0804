using RedisHaLab.Reconfig;
using RedisHaLab.Topology;
using RedisHaLab.UnitTests.Topology;
using static RedisHaLab.UnitTests.Reconfig.Fixtures;

namespace RedisHaLab.UnitTests.Reconfig;

/// <summary>
/// The rule that keeps a stale proxy out of the load balancer (<see cref="ProxyReadiness"/>): up only when what the proxy
/// runs sends every shard to the master its reconfig service verified; no Docker, no sockets.
/// </summary>
public class ProxyReadinessTests
{
    private static Inventory Inventory => InventoryLoader.Load(Path.Combine(TestContext.CurrentContext.TestDirectory, "inventories", "post-2016-proxy-ha.yml"));

    private static readonly MasterAddress G1Original = new("node22-redis-4500", 4500);
    private static readonly MasterAddress G2Original = new("node22-redis-4501", 4501);
    private static readonly MasterAddress G2Promoted = new("node24-redis-4501", 4501);

    [Test]
    public void A_proxy_running_every_verified_master_is_up()
    {
        var inventory = Inventory;
        var readiness = ProxyReadiness.Decide(inventory, Verified(G1Original, G2Original), Running(inventory));

        Assert.That(readiness.IsUp, Is.True, readiness.Reason);
        Assert.That(readiness.Answer, Does.StartWith("up "));
    }

    [Test]
    public void A_proxy_that_missed_a_failover_is_down_and_says_which_shard_is_stale()
    {
        var inventory = Inventory;
        // g2 failed over while this proxy was down: its running config still sends g2 to the old master.
        var readiness = ProxyReadiness.Decide(inventory, Verified(G1Original, G2Promoted), Running(inventory));

        Assert.That(readiness.IsUp, Is.False);
        Assert.That(readiness.Reason, Is.EqualTo("stale: runs shard g2 on node22-redis-4501:4501, its verified master is node24-redis-4501:4501"));
        Assert.That(readiness.Answer, Does.StartWith("down "));
    }

    [Test]
    public void Once_the_proxy_runs_the_promoted_master_it_is_up_again()
    {
        var inventory = Inventory;
        var reconciled = Retargeted(inventory, "redis_14555_g2_4501", G2Promoted);

        Assert.That(ProxyReadiness.Decide(inventory, Verified(G1Original, G2Promoted), reconciled).IsUp, Is.True);
    }

    [Test]
    public void A_service_that_has_verified_no_master_for_a_shard_yet_does_not_vouch_for_its_proxy()
    {
        var inventory = Inventory;
        var onlyG1 = new Dictionary<string, MasterAddress> { ["g1"] = G1Original };

        Assert.That(ProxyReadiness.Decide(inventory, onlyG1, Running(inventory)), Is.EqualTo(new Readiness(false, "no verified master for shard g2 yet")));
        Assert.That(ProxyReadiness.Decide(inventory, new Dictionary<string, MasterAddress>(), Running(inventory)).IsUp, Is.False);
    }

    [Test]
    public async Task A_proxy_that_has_reported_no_running_config_is_down()
    {
        var inventory = Inventory;
        var look = await new RunningConfigView(new FakeProxy(inventory) { Running = null }).LookAsync(CancellationToken.None);

        Assert.That(ProxyReadiness.Decide(inventory, Verified(G1Original, G2Original), look),
            Is.EqualTo(new Readiness(false, "the proxy has reported no running config")));
    }

    [Test]
    public async Task An_unreadable_running_config_is_down()
    {
        var inventory = Inventory;
        var look = await new RunningConfigView(new FakeProxy(inventory) { Running = "redis_14555: [not, a, pool" }).LookAsync(CancellationToken.None);

        var readiness = ProxyReadiness.Decide(inventory, Verified(G1Original, G2Original), look);

        Assert.That(readiness.IsUp, Is.False);
        Assert.That(readiness.Reason, Does.StartWith("the proxy's running config cannot be read"));
    }

    [Test]
    public async Task Through_the_apply_path_a_proxy_that_missed_a_failover_stays_down_until_it_runs_the_new_master()
    {
        var inventory = Inventory;
        // The proxy was down during g2's failover (frozen here: it applies nothing until thawed).
        var proxy = new FakeProxy(inventory) { Behaviour = ProxyBehaviour.Frozen };
        var roles = new FakeRoles().Says("node22-redis-4500", "master").Says("node24-redis-4501", "master").Says("node22-redis-4501", "slave");
        var sentinels = new FakeSentinels(3);
        foreach (var sentinel in new[] { "node22-sentinel", "node23-sentinel", "node24-sentinel" })
        {
            sentinels.Says(sentinel, "redis_14555_g1_4500", "node22-redis-4500:4500", 0).Says(sentinel, "redis_14555_g2_4501", "node24-redis-4501:4501", 1);
        }
        using var path = new ApplyPath(inventory, proxy, roles, sentinels);
        async Task<Readiness> Now() => ProxyReadiness.Decide(inventory, path.Reconfigurator.VerifiedMasters, await path.Running.LookAsync(CancellationToken.None));

        Assert.That((await Now()).Reason, Is.EqualTo("no verified master for shard g1 yet"), "before its first pass the service vouches for nothing");
        await path.Reconciler.RunOnceAsync("start-up", CancellationToken.None);
        Assert.That(await Now(), Is.EqualTo(new Readiness(false, "stale: runs shard g2 on node22-redis-4501:4501, its verified master is node24-redis-4501:4501")));

        proxy.Thaw();
        await path.Reconciler.RunOnceAsync("periodic", CancellationToken.None);
        var after = await Now();
        Assert.That(after.IsUp, Is.True, after.Reason);
    }

    // Catches: readiness requiring a majority to keep serving (two Sentinels down, both reconfig services restarted:
    // every proxy out of the load balancer though each runs the right masters).
    [Test]
    public async Task Without_a_sentinel_majority_a_restarted_service_vouches_for_what_its_proxy_runs_when_the_instances_confirm_it()
    {
        var inventory = Inventory;
        var proxy = new FakeProxy(inventory);
        var roles = new FakeRoles().Says("node22-redis-4500", "master").Replicates("node24-redis-4500", "node22-redis-4500")
            .Says("node22-redis-4501", "master").Replicates("node24-redis-4501", "node22-redis-4501");
        // One Sentinel of three left: no majority for anything.
        var sentinels = new FakeSentinels(3).Says("node24-sentinel", "redis_14555_g1_4500", "node22-redis-4500:4500", 0)
            .Says("node24-sentinel", "redis_14555_g2_4501", "node22-redis-4501:4501", 0);
        using var path = new ApplyPath(inventory, proxy, roles, sentinels);

        await path.Reconciler.RunOnceAsync("start-up", CancellationToken.None);

        var readiness = ProxyReadiness.Decide(inventory, path.Reconfigurator.VerifiedMasters, await path.Running.LookAsync(CancellationToken.None));
        Assert.That(readiness.IsUp, Is.True, readiness.Reason);
        Assert.That(proxy.Writes, Is.Zero, "vouching changes nothing");
        Assert.That(path.Reconciler.WithoutMajority, Is.EquivalentTo(new[] { "g1", "g2" }));
        var served = Served(DateTime.UtcNow, "g1", "g2");
        Assert.That(ProxyReadiness.WithServing(readiness, served, path.Reconciler.WithoutMajority, DateTime.UtcNow).IsProtected, Is.False,
            "serving, but a failover would not be followed");
    }

    // Catches: vouching on the running master's own word (a demoted master in its ROLE-master window kept in rotation).
    [Test]
    public async Task Without_a_majority_nothing_is_vouched_for_when_another_instance_says_master()
    {
        var inventory = Inventory;
        var proxy = new FakeProxy(inventory);
        var roles = new FakeRoles().Says("node22-redis-4500", "master").Says("node24-redis-4500", "master")
            .Says("node22-redis-4501", "master").Replicates("node24-redis-4501", "node22-redis-4501");
        using var path = new ApplyPath(inventory, proxy, roles, new FakeSentinels(3));

        await path.Reconciler.RunOnceAsync("start-up", CancellationToken.None);

        Assert.That(path.Reconfigurator.VerifiedMasters.Keys, Is.EquivalentTo(new[] { "g2" }));
    }

    // Catches: a running record on disk taken as serving (a dead nutcracker kept in rotation).
    [Test]
    public void A_proxy_that_serves_no_shard_is_down_and_one_that_serves_some_is_up_but_not_protected()
    {
        var current = new Readiness(true, "runs the verified master of all 2 shards", AcceptingSinceUtc: DateTime.UtcNow.AddSeconds(-10));
        var now = DateTime.UtcNow;
        IReadOnlySet<string> none = new HashSet<string>();

        Assert.That(ProxyReadiness.WithServing(current, [new("g1", false, "refused", now), new("g2", false, "refused", now)], none, now).IsUp, Is.False);
        var some = ProxyReadiness.WithServing(current, [new("g1", false, "refused", now), new("g2", true, null, now)], none, now);
        Assert.That((some.IsUp, some.IsProtected), Is.EqualTo((true, false)));
        Assert.That(some.Answer, Does.StartWith("up unprotected").And.Contain("g1: refused"));
        Assert.That(ProxyReadiness.WithServing(current, Served(now, "g1", "g2"), none, now).Answer, Does.StartWith("up protected"));
    }

    // Catches: an old probe result counted as current (a proxy that died after its last probe stays "serving").
    [Test]
    public void A_probe_older_than_three_seconds_does_not_count()
    {
        var current = new Readiness(true, "runs the verified master of all 2 shards", AcceptingSinceUtc: DateTime.UtcNow.AddSeconds(-10));
        var now = DateTime.UtcNow;

        Assert.That(ProxyReadiness.WithServing(current, Served(now.AddSeconds(-4), "g1", "g2"), new HashSet<string>(), now).IsUp, Is.False);
        Assert.That(ProxyReadiness.WithServing(current, null, new HashSet<string>(), now).IsUp, Is.False, "before the first probe");
        Assert.That(ProxyReadiness.WithServing(current, Served(now, "g1", "g2"), null, now).IsProtected, Is.False, "before the first reconcile");
    }

    // Catches: a probe answered by the process an apply replaced taken as vouching for the new one (the lab said
    // "protected", then the front door closed the first new connection).
    [Test]
    public void Protected_needs_every_shard_served_by_a_write_sent_after_the_running_process_began_accepting()
    {
        var now = DateTime.UtcNow;
        var restarted = new Readiness(true, "runs the verified master of all 2 shards", AcceptingSinceUtc: now.AddMilliseconds(-300));
        IReadOnlySet<string> none = new HashSet<string>();

        var before = ProxyReadiness.WithServing(restarted, [new("g1", true, null, now, SentUtc: now.AddMilliseconds(-301)), new("g2", true, null, now, SentUtc: now)], none, now);
        Assert.That((before.IsUp, before.IsProtected), Is.EqualTo((true, false)), "up (it serves), not protected until each shard is written through the new process");
        Assert.That(before.Answer, Does.Contain("began accepting at"));

        var after = ProxyReadiness.WithServing(restarted, [new("g1", true, null, now, SentUtc: now.AddMilliseconds(-300)), new("g2", true, null, now, SentUtc: now)], none, now);
        Assert.That(after.Answer, Does.StartWith("up protected"));

        var beingStarted = restarted with { AcceptingSinceUtc = RunningLook.AcceptingSince(new NutcrackerRunningRecord(new string('a', 64), 0, 0)) };
        Assert.That(ProxyReadiness.WithServing(beingStarted, Served(now, "g1", "g2"), none, now).IsProtected, Is.False, "pid 0: no process accepts on it");
        Assert.That(ProxyReadiness.WithServing(restarted with { AcceptingSinceUtc = null }, Served(now, "g1", "g2"), none, now).IsProtected, Is.False,
            "a process whose start is not known is not vouched for");
    }

    private static List<ServingResult> Served(DateTime at, params string[] shards) => [.. shards.Select(s => new ServingResult(s, true, null, at))];

    private static Dictionary<string, MasterAddress> Verified(MasterAddress g1, MasterAddress g2) => new() { ["g1"] = g1, ["g2"] = g2 };

    private static string RunningText(Inventory inventory) => NutcrackerConfig.FromInventory(inventory, password: null).Render();

    private static RunningLook Running(Inventory inventory) => Look(RunningText(inventory));

    private static RunningLook Retargeted(Inventory inventory, string masterName, MasterAddress master) =>
        Look(((ProxyConfigChange.Rewrite)ProxyConfigTransform.Retarget(NutcrackerConfig.Parse(RunningText(inventory)), inventory, ShardNamed(inventory, masterName), master)).Config.Render());

    private static RunningLook Look(string text) => new(RunningConfig.Of(text, NutcrackerConfig.Parse(text)), null, MayPass: false);
}
