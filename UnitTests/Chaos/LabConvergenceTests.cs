using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.UnitTests.Chaos;

/// <summary>When a shard has settled, from what its instances answer to INFO replication.</summary>
public class LabConvergenceTests
{
    private static Shard G1 => ScenarioFiles.PostLab.Shards.Single(s => s.Name == "g1");

    private static ReplicationInfo Master(long offset) => new("master", null, 0, false, offset, null);

    private static ReplicationInfo ReplicaOf(RedisInstance master, long offset, bool linkUp = true) => new("slave", master.Name, master.Port, linkUp, offset, null);

    private static ShardConvergence Judge(ReplicationInfo first, ReplicationInfo second) =>
        LabConvergence.Judge(G1, [(G1.Master, first), (G1.Replicas[0], second)]);

    [Test]
    public void One_master_and_a_replica_at_its_offset_have_settled()
    {
        var state = Judge(Master(100), ReplicaOf(G1.Master, 100));

        Assert.That((state.Converged, state.Master), Is.EqualTo((true, G1.Master)));
    }

    [Test]
    public void A_replica_promoted_while_the_old_master_still_answers_as_master_has_not_settled()
    {
        var state = Judge(Master(100), Master(90));

        Assert.That(state.Converged, Is.False);
        Assert.That(state.Master, Is.Null, "two masters: the data may yet move either way");
        Assert.That(state.Problem, Does.Contain($"{G1.Master.Name} and {G1.Replicas[0].Name} all answer as master"));
    }

    [Test]
    public void A_replica_behind_the_master_s_offset_has_not_settled()
    {
        var state = Judge(Master(100), ReplicaOf(G1.Master, 99));

        Assert.That(state.Converged, Is.False);
        Assert.That(state.Master, Is.EqualTo(G1.Master));
        Assert.That(state.Problem, Does.Contain("offset 100"));
    }

    [Test]
    public void A_replica_whose_link_is_down_has_not_settled()
    {
        Assert.That(Judge(Master(100), ReplicaOf(G1.Master, 100, linkUp: false)).Converged, Is.False);
    }

    [Test]
    public void A_replica_of_another_instance_has_not_settled()
    {
        // It names an instance other than the one answering as master (a demoted master still following a stale one).
        var state = Judge(Master(100), ReplicaOf(G1.Replicas[0], 100));

        Assert.That(state.Converged, Is.False);
    }

    [Test]
    public void An_instance_that_does_not_answer_holds_nothing_readable_and_does_not_block()
    {
        var state = Judge(ReplicationInfo.Unreachable("killed"), Master(100));

        Assert.That((state.Converged, state.Master), Is.EqualTo((true, G1.Replicas[0])));
        Assert.That(state.Absent, Is.EqualTo(new[] { G1.Master.Name }));
    }

    [Test]
    public void No_instance_answering_as_master_has_not_settled()
    {
        var state = Judge(ReplicationInfo.Unreachable("killed"), ReplicaOf(G1.Master, 100, linkUp: false));

        Assert.That((state.Converged, state.Master), Is.EqualTo((false, (RedisInstance?)null)));
        Assert.That(state.Problem, Does.Contain("none of its instances answers as master"));
    }
}
