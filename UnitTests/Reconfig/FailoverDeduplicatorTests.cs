using RedisHaLab.Reconfig;
using static RedisHaLab.UnitTests.Reconfig.Fixtures;

namespace RedisHaLab.UnitTests.Reconfig;

public class FailoverDeduplicatorTests
{
    private static readonly SwitchMasterEvent G1ToNode24 = new(G1, At("node22-redis-4500:4500"), At("node24-redis-4500:4500"));
    private static readonly SwitchMasterEvent G1BackToNode22 = new(G1, At("node24-redis-4500:4500"), At("node22-redis-4500:4500"));

    [Test]
    public void The_same_failover_announced_by_every_Sentinel_counts_once()
    {
        var failovers = new FailoverDeduplicator();

        Assert.Multiple(() =>
        {
            Assert.That(failovers.IsNew(G1ToNode24), Is.True);
            Assert.That(failovers.IsNew(G1ToNode24 with { }), Is.False);
            Assert.That(failovers.IsNew(G1ToNode24), Is.False);
        });
    }

    [Test]
    public void A_failover_back_and_then_forth_again_counts_each_time()
    {
        var failovers = new FailoverDeduplicator();

        Assert.Multiple(() =>
        {
            Assert.That(failovers.IsNew(G1ToNode24), Is.True);
            Assert.That(failovers.IsNew(G1BackToNode22), Is.True);
            Assert.That(failovers.IsNew(G1ToNode24), Is.True);
        });
    }

    [Test]
    public void Shards_are_tracked_separately()
    {
        var failovers = new FailoverDeduplicator();
        var g2 = new SwitchMasterEvent(G2, At("node22-redis-4501:4501"), At("node24-redis-4501:4501"));

        Assert.Multiple(() =>
        {
            Assert.That(failovers.IsNew(G1ToNode24), Is.True);
            Assert.That(failovers.IsNew(g2), Is.True);
            Assert.That(failovers.IsNew(G1ToNode24), Is.False);
        });
    }
}
