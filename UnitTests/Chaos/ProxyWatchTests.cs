using RedisHaLab.Chaos;

namespace RedisHaLab.UnitTests.Chaos;

public class ProxyWatchTests
{
    private static readonly RedisHaLab.Topology.Shard G1 = ScenarioFiles.PostLab.Shards[0];

    [Test]
    public void Leaving_an_instance_once_for_good_passes()
    {
        var changes = History(("g1", "node22-redis-4500"), ("g2", "node22-redis-4501"), ("g1", "node24-redis-4500"));

        Assert.That(ProxyWatch.WentBack(changes, G1, G1.Master), Is.Null);
    }

    [Test]
    public void Coming_back_to_a_left_instance_is_reported_with_the_story()
    {
        var changes = History(("g1", "node22-redis-4500"), ("g1", "node24-redis-4500"), ("g1", "node22-redis-4500"));

        Assert.That(ProxyWatch.WentBack(changes, G1, G1.Master), Does.StartWith("the proxy sent g1 to node22-redis-4500 again at 3.0 s after leaving it"));
    }

    [Test]
    public void Never_leaving_is_reported_too()
    {
        var changes = History(("g1", "node22-redis-4500"));

        Assert.That(ProxyWatch.WentBack(changes, G1, G1.Master), Does.StartWith("the proxy still sends g1 to node22-redis-4500"));
    }

    private static List<ProxyChange> History(params (string Shard, string Instance)[] changes) =>
        changes.Select((c, i) => new ProxyChange(TimeSpan.FromSeconds(i + 1), c.Shard, c.Instance)).ToList();
}
