using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.UnitTests.Chaos;

public class ShardMastersTests
{
    private static readonly Shard G1 = ScenarioFiles.PostLab.Shards[0];
    private static readonly RedisInstance Node22 = G1.Master;
    private static readonly RedisInstance Node24 = G1.Replicas[0];

    [Test]
    public void The_one_instance_answering_master_is_the_master_whatever_the_inventory_says()
    {
        Assert.That(ShardMasters.ByRole([new(Node22, "slave"), new(Node24, "master")]), Is.EqualTo(Node24));
        Assert.That(ShardMasters.ByRole([new(Node22, "master"), new(Node24, "slave")]), Is.EqualTo(Node22));
    }

    [Test]
    public void An_instance_that_does_not_answer_is_not_counted_either_way()
    {
        // The killed master says nothing; its promoted replica alone answers master.
        Assert.That(ShardMasters.ByRole([new(Node22, null), new(Node24, "master")]), Is.EqualTo(Node24));
    }

    [Test]
    public void No_master_or_two_masters_settle_nothing_so_the_sentinels_are_asked()
    {
        Assert.That(ShardMasters.ByRole([new(Node22, null), new(Node24, "slave")]), Is.Null, "master down, replica not promoted yet");
        Assert.That(ShardMasters.ByRole([new(Node22, "master"), new(Node24, "master")]), Is.Null, "an old master back before Sentinel demotes it");
        Assert.That(ShardMasters.ByRole([]), Is.Null);
    }

    [Test]
    public void A_sentinel_answering_sentinel_is_no_master()
    {
        Assert.That(ShardMasters.ByRole([new(Node22, "sentinel"), new(Node24, "slave")]), Is.Null);
    }

    [TestCase("master", "master of g1")]
    [TestCase("slave", "replica of g1")]
    [TestCase(null, "not answering")]
    [TestCase("sentinel", "sentinel (unexpected)")]
    public void The_dashboard_shows_what_the_instance_itself_answers_with_its_shard(string? role, string text)
    {
        // The replica of the inventory answering master is shown as master: the instance's word, not the inventory's.
        Assert.That(ShardMasters.RoleText(new RoleAnswer(Node24, role)), Is.EqualTo(text));
    }
}
