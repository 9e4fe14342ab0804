using RedisHaLab.Samples.FrontDoorClient;
using RedisHaLab.Topology;
using RedisHaLab.UnitTests.Topology;

namespace RedisHaLab.UnitTests.Samples;

/// <summary>The sample app's outage clock: from the start of the first request not served in time to the next success.</summary>
public class OutageClockTests
{
    private static readonly TimeSpan InTime = TimeSpan.FromMilliseconds(250);

    [Test]
    public void A_hanging_request_counts_from_its_start_before_it_ends()
    {
        var clock = new OutageClock(InTime);
        clock.Started(S(1.0));

        Assert.That(clock.Check(S(1.2)).Began, Is.Null, "still in time");
        Assert.That(clock.Check(S(1.3)).Began, Is.EqualTo(S(1.0)), "late: the outage began when the request was sent");
        var next = clock.Started(S(5.0));
        Assert.That(clock.Finished(next, S(5.002), succeeded: true).Ended, Is.EqualTo(new Outage(S(1.0), S(5.002))));
    }

    [Test]
    public void A_failure_that_completes_after_a_2_s_timeout_counts_from_its_start()
    {
        var clock = new OutageClock(InTime);
        var failed = clock.Started(S(1.0));

        Assert.That(clock.Finished(failed, S(3.0), succeeded: false).Began, Is.EqualTo(S(1.0)));
        var next = clock.Started(S(3.1));
        Assert.That(clock.Finished(next, S(3.102), succeeded: true).Ended?.Length, Is.EqualTo(S(2.102)));
    }

    [Test]
    public void Two_shards_clocks_do_not_mix()
    {
        var g1 = new OutageClock(InTime);
        var g2 = new OutageClock(InTime);
        var outages = new List<(string Shard, OutageNews News)>();

        // g2 fails every request while g1 serves each of its own, interleaved in time.
        for (var i = 0; i < 20; i++)
        {
            var at = S(1.0 + i * 0.1);
            var two = g2.Started(at);
            var one = g1.Started(at);
            outages.Add(("g2", g2.Finished(two, at + S(0.001), succeeded: false)));
            outages.Add(("g1", g1.Finished(one, at + S(0.002), succeeded: true)));
        }

        Assert.That(outages.Where(o => o.News != default).Select(o => o.Shard), Is.EqualTo(new[] { "g2" }), "g2's outage began, once; g1's successes end nothing");
        Assert.That((g1.Began, g2.Began), Is.EqualTo(((TimeSpan?)null, (TimeSpan?)S(1.0))));
    }

    [Test]
    public void An_outage_ends_at_the_first_success_even_a_late_one()
    {
        var clock = new OutageClock(InTime);
        var hanging = clock.Started(S(1.0));
        clock.Check(S(1.3));
        var afterIt = clock.Started(S(1.4));

        // The proxy answers the hanging request at last: the application has service again from then on.
        Assert.That(clock.Finished(hanging, S(4.0), succeeded: true).Ended, Is.EqualTo(new Outage(S(1.0), S(4.0))));
        Assert.That(clock.Finished(afterIt, S(4.001), succeeded: true), Is.EqualTo(default(OutageNews)), "ended once");
        Assert.That(clock.Began, Is.Null);
    }

    [Test]
    public void A_late_success_with_no_outage_under_way_is_an_outage_from_its_start_to_its_end()
    {
        var clock = new OutageClock(InTime);
        var slow = clock.Started(S(1.0));

        Assert.That(clock.Finished(slow, S(1.4), succeeded: true), Is.EqualTo(new OutageNews(S(1.0), new Outage(S(1.0), S(1.4)))));
    }

    [Test]
    public void Requests_sent_before_an_outage_ended_begin_no_new_one()
    {
        var clock = new OutageClock(InTime);
        var first = clock.Started(S(1.0));
        var straggler = clock.Started(S(1.1));
        clock.Finished(first, S(1.05), succeeded: false);
        var ok = clock.Started(S(2.0));
        clock.Finished(ok, S(2.001), succeeded: true);

        Assert.That(clock.Check(S(2.5)).Began, Is.Null, "still waiting, but sent during the outage that ended");
        Assert.That(clock.Finished(straggler, S(3.1), succeeded: false).Began, Is.Null);
        var late = clock.Started(S(3.0));
        Assert.That(clock.Check(S(3.3)).Began, Is.EqualTo(S(3.0)), "a request sent since is a new outage");
    }

    [Test]
    public void An_older_request_found_late_moves_the_outage_start_back()
    {
        var clock = new OutageClock(InTime);
        clock.Started(S(1.0));
        var fast = clock.Started(S(1.1));

        Assert.That(clock.Finished(fast, S(1.11), succeeded: false).Began, Is.EqualTo(S(1.1)));
        Assert.That(clock.Check(S(1.3)).Began, Is.Null, "already out");
        var ok = clock.Started(S(2.0));
        Assert.That(clock.Finished(ok, S(2.001), succeeded: true).Ended, Is.EqualTo(new Outage(S(1.0), S(2.001))));
    }

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);
}

/// <summary>The sample app's keys: each shard's loop writes only keys the proxy sends to that shard.</summary>
public class SampleKeysTests
{
    [Test]
    public void Each_shard_gets_keys_the_ring_places_on_it()
    {
        var settings = new FrontDoorSettings("127.0.0.1:14555", null, ["g1", "g2", "g3"], ["g1", "g2", "g3"]);
        var ring = new KetamaRing(["g1", "g2", "g3"]);

        var lanes = SampleKeys.Of(settings, "sample-app:1");

        Assert.That(lanes.Select(l => l.Shard), Is.EqualTo(new[] { "g1", "g2", "g3" }));
        foreach (var (index, (shard, keys)) in lanes.Index())
        {
            Assert.That(keys, Has.Length.EqualTo(SampleKeys.PerShard).And.Unique, shard);
            Assert.That(keys.Select(ring.ServerOf).Distinct(), Is.EqualTo(new[] { index }), shard);
        }
    }

    [Test]
    public void Without_shards_the_front_door_is_measured_as_a_whole()
    {
        var lanes = SampleKeys.Of(new FrontDoorSettings("127.0.0.1:14555", null, [], []), "sample-app:1");

        Assert.That(lanes.Select(l => (l.Shard, l.Keys.Length)), Is.EqualTo(new[] { (SampleKeys.WholeFrontDoor, SampleKeys.PerShard) }));
    }

    [Test]
    public void The_ring_names_servers_by_shard_or_by_address_as_the_inventory_says()
    {
        var post = InventoryLoader.Load(InventoryFiles.PostPath);
        var fidelity = InventoryLoader.Load(Path.Combine(TestContext.CurrentContext.TestDirectory, "inventories", "post-fidelity.yml"));

        Assert.That(KetamaRing.ServerNames(post), Is.EqualTo(new[] { "g1", "g2" }));
        Assert.That(KetamaRing.ServerNames(fidelity), Is.EqualTo(fidelity.Shards.Select(s => $"{s.Master.Name}:{s.Master.Port}")));
        Assert.That(KetamaRing.ServerNames(InventoryLoader.Parse(InventoryFiles.PostWith("hash: fnv1a_64", "hash: murmur"), "murmur.yml")), Is.Null);
    }
}
