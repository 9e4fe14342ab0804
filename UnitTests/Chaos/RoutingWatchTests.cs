using RedisHaLab.Probes;



namespace RedisHaLab.UnitTests.Chaos;

public class RoutingWatchTests
{
    private static readonly RedisHaLab.Topology.Shard G1 = ScenarioFiles.PostLab.Shards[0];

    [Test]
    public void Leaving_an_instance_once_for_good_passes()
    {
        var changes = History(("g1", "node22-redis-4500"), ("g2", "node22-redis-4501"), ("g1", "node24-redis-4500"));

        Assert.That(RoutingWatch.WentBack(changes, G1, G1.Master), Is.Null);
    }

    [Test]
    public void Landing_on_a_left_instance_again_is_reported_with_the_story()
    {
        var changes = History(("g1", "node22-redis-4500"), ("g1", "node24-redis-4500"), ("g1", "node22-redis-4500"));

        Assert.That(RoutingWatch.WentBack(changes, G1, G1.Master),
            Does.StartWith("probe keys of g1 landed on node22-redis-4500 again at 3.0 s after leaving it (1.0 s: g1 -> node22-redis-4500; 2.0 s: g1 -> node24-redis-4500; 3.0 s: g1 -> node22-redis-4500)"));
    }

    [Test]
    public void Never_leaving_is_reported_too()
    {
        var changes = History(("g1", "node22-redis-4500"), ("g2", "node24-redis-4501"));

        Assert.That(RoutingWatch.WentBack(changes, G1, G1.Master), Does.StartWith("probe keys of g1 still land on node22-redis-4500"));
    }

    [Test]
    public void An_instance_no_probe_ever_landed_on_proves_nothing_and_is_reported()
    {
        var changes = History(("g1", "node24-redis-4500"));

        Assert.That(RoutingWatch.WentBack(changes, G1, G1.Master), Does.StartWith("no probe key of g1 written through the front door ever landed on node22-redis-4500"));
    }

    [Test]
    public void Another_shard_landing_on_the_instance_is_not_its_shard_going_back()
    {
        // g2's keys are placed by where they land: on a g2 instance, whatever g1 did.
        var changes = History(("g1", "node22-redis-4500"), ("g1", "node24-redis-4500"), ("g2", "node22-redis-4501"));

        Assert.That(RoutingWatch.WentBack(changes, G1, G1.Master), Is.Null);
    }

    private static List<RoutingChange> History(params (string Shard, string Instance)[] changes) =>
        changes.Select((c, i) => new RoutingChange(TimeSpan.FromSeconds(i + 1), c.Shard, c.Instance)).ToList();
}
