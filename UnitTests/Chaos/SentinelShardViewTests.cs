using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.UnitTests.Chaos;

public class SentinelShardViewTests
{
    private static readonly Shard G1 = ScenarioFiles.PostLab.Shards[0];
    private static readonly Shard G2 = ScenarioFiles.PostLab.Shards[1];

    [Test]
    public void A_sentinel_naming_the_real_master_with_exactly_its_replicas_agrees()
    {
        var view = View("node22-redis-4500:4500", ["node24-redis-4500:4500"], ["a", "b"]);

        Assert.That(view.Difference(G1.Master, G1.Replicas), Is.Null);
    }

    [Test]
    public void A_sentinel_still_naming_the_forged_master_differs()
    {
        var view = View("node22-redis-4501:4501", ["node24-redis-4500:4500"], []);

        Assert.That(view.Difference(G1.Master, G1.Replicas), Is.EqualTo("node23-sentinel names node22-redis-4501:4501 as master, not node22-redis-4500:4500"));
    }

    [Test]
    public void A_sentinel_listing_another_shards_instance_as_a_replica_differs()
    {
        // What a switch of address leaves behind until the reset: the forged master's old neighbours as "replicas".
        var view = View("node22-redis-4500:4500", ["node24-redis-4500:4500", "node22-redis-4501:4501"], []);

        Assert.That(view.Difference(G1.Master, G1.Replicas), Does.StartWith("node23-sentinel lists replicas [node22-redis-4501:4501, node24-redis-4500:4500]"));
    }

    [Test]
    public void A_sentinel_missing_a_replica_differs()
    {
        Assert.That(View("node22-redis-4500:4500", [], []).Difference(G1.Master, G1.Replicas), Does.Contain("lists replicas []"));
    }

    [Test]
    public void A_sentinel_that_still_knows_the_forger_differs()
    {
        var view = View("node22-redis-4500:4500", ["node24-redis-4500:4500"], [SentinelHello.ForgerRunId]);

        Assert.That(view.Difference(G1.Master, G1.Replicas), Does.Contain("still knows the forged Sentinel"));
    }

    [Test]
    public void A_sentinel_that_does_not_answer_differs()
    {
        var view = new SentinelShardView("node23-sentinel", null, [], [], "timeout");

        Assert.That(view.Difference(G2.Master, G2.Replicas), Is.EqualTo("node23-sentinel does not answer: timeout"));
    }

    private static SentinelShardView View(string master, string[] replicas, string[] sentinels) =>
        new("node23-sentinel", master, replicas, sentinels, null);
}
