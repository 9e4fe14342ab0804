using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.UnitTests.Chaos;

public class RoutingProbeTests
{
    private static readonly Shard G1 = ScenarioFiles.PostLab.Shards[0];
    private static readonly Shard G2 = ScenarioFiles.PostLab.Shards[1];
    private static readonly IReadOnlyDictionary<Shard, RedisInstance> Masters = new Dictionary<Shard, RedisInstance> { [G1] = G1.Master, [G2] = G2.Master };

    [Test]
    public void A_key_landing_on_the_shards_master_passes()
    {
        var probes = new[] { On(G2.Master), On(G1.Master) };

        Assert.That(RoutingProbe.Judge(G1, Masters, probes, outOfTries: false), Is.EqualTo((true, (string?)null)));
    }

    [Test]
    public void Keys_landing_only_elsewhere_are_not_done_until_out_of_tries()
    {
        var probes = new[] { On(G2.Master), On(G2.Master) };

        Assert.That(RoutingProbe.Judge(G1, Masters, probes, outOfTries: false), Is.EqualTo((false, (string?)null)));
    }

    [Test]
    public void Out_of_tries_without_a_landing_on_the_shards_master_fails_with_where_the_keys_went()
    {
        // g1 pointed at g2's master, as a proxy that believed a forged announcement would.
        var probes = new[] { On(G2.Master), On(G2.Master), Failed("READONLY You can't write against a read only replica.") };

        var (done, problem) = RoutingProbe.Judge(G1, Masters, probes, outOfTries: true);

        Assert.That(done, Is.True);
        Assert.That(problem, Is.EqualTo("none of 3 probe keys written through the front door landed on node22-redis-4500, the current master of g1: " +
                                        "2 on node22-redis-4501; 1 writes failed (READONLY You can't write against a read only replica.)"));
    }

    [Test]
    public void An_acknowledged_key_on_no_current_master_fails_at_once()
    {
        var probes = new[] { On(G1.Master), On() };

        var (done, problem) = RoutingProbe.Judge(G1, Masters, probes, outOfTries: false);

        Assert.That(done, Is.True);
        Assert.That(problem, Is.EqualTo("probe key k1, acknowledged by the front door, is on none of the current masters (node22-redis-4500, node22-redis-4501)"));
    }

    [Test]
    public void An_acknowledged_key_on_two_masters_fails_at_once()
    {
        var probes = new[] { On(G1.Master, G2.Master) };

        Assert.That(RoutingProbe.Judge(G1, Masters, probes, outOfTries: false).Problem,
            Is.EqualTo("probe key k0, acknowledged by the front door, is on 2 masters at once (node22-redis-4500, node22-redis-4501)"));
    }

    [Test]
    public void A_failed_write_is_found_nowhere_and_that_is_no_misplacement()
    {
        var probes = new[] { Failed("No connection is active"), On(G1.Master) };

        Assert.That(RoutingProbe.Judge(G1, Masters, probes, outOfTries: false), Is.EqualTo((true, (string?)null)));
    }

    // Keys are named k0, k1, ... in the order a test makes them.
    private int _next;

    [SetUp]
    public void ResetKeys() => _next = 0;

    private ProbeKey On(params RedisInstance[] masters) => new($"k{_next++}", masters, null);

    private ProbeKey Failed(string error) => new($"k{_next++}", [], error);
}
