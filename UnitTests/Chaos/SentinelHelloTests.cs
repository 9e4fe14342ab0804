using System.Net;
using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.UnitTests.Chaos;

public class SentinelHelloTests
{
    private static readonly Shard G1 = ScenarioFiles.PostLab.Shards[0];
    private static readonly Shard G2 = ScenarioFiles.PostLab.Shards[1];

    [Test]
    public void A_forged_hello_has_sentinels_eight_fields_in_sentinels_order()
    {
        var hello = SentinelHello.Forged(G1, G2.Master, epoch: 8);

        Assert.That(hello.Payload, Is.EqualTo(
            $"127.0.0.1,26999,{SentinelHello.ForgerRunId},8,redis_14555_g1_4500,node22-redis-4501,4501,8"));
    }

    [Test]
    public void Each_field_sits_where_sentinel_reads_it()
    {
        var fields = new SentinelHello(IPAddress.Parse("127.0.0.5"), 26001, "runid", 11, "master-name", "master-host", 4600, 12).Payload.Split(',');

        Assert.That(fields, Is.EqualTo(new[] { "127.0.0.5", "26001", "runid", "11", "master-name", "master-host", "4600", "12" }));
    }

    [Test]
    public void The_master_is_named_by_container_name_as_the_sentinels_announce_hostnames()
    {
        var hello = SentinelHello.Forged(G1, G1.Replicas[0], epoch: 3);

        Assert.That((hello.MasterName, hello.MasterHost, hello.MasterPort), Is.EqualTo(("redis_14555_g1_4500", "node24-redis-4500", 4500)));
        Assert.That(RedisConfigFile.RenderSentinel(ScenarioFiles.PostLab, ScenarioFiles.PostLab.Sentinels.Instances[0], password: null),
            Does.Contain("sentinel resolve-hostnames yes").And.Contain("sentinel announce-hostnames yes"),
            "a hello naming a container name only works on Sentinels that resolve and announce host names");
    }

    [Test]
    public void The_forger_is_a_harmless_loopback_sentinel_with_a_fixed_forty_hex_digit_run_id()
    {
        Assert.That(IPAddress.IsLoopback(SentinelHello.ForgerAddress), Is.True);
        Assert.That(SentinelHello.ForgerPort, Is.Not.EqualTo(ScenarioFiles.PostLab.Sentinels.Instances[0].Port));
        Assert.That(SentinelHello.ForgerRunId, Does.Match("^[0-9a-f]{40}$"));
    }

    [Test]
    public void The_epoch_is_one_above_the_highest_any_sentinel_holds()
    {
        Assert.That(SentinelHello.EpochAbove([3, 7, 5]), Is.EqualTo(8));
        Assert.That(SentinelHello.EpochAbove([0]), Is.EqualTo(1));
    }

    [Test]
    public void No_epoch_seen_is_an_error_not_a_guess()
    {
        Assert.That(() => SentinelHello.EpochAbove([]), Throws.TypeOf<ChaosException>().With.Message.Contains("no Sentinel reported a config epoch"));
    }

    [Test]
    public void A_sentinel_adopted_an_announcement_only_when_it_holds_its_address_at_its_epoch()
    {
        var hello = SentinelHello.Forged(G1, G2.Master, epoch: 8);

        Assert.That(new AnnouncementOutcome("s", "node22-redis-4501", 4501, 8, null).Adopted(hello), Is.True);
        Assert.That(new AnnouncementOutcome("s", "NODE22-redis-4501", 4501, 8, null).Adopted(hello), Is.True, "host names compare without case");
        Assert.That(new AnnouncementOutcome("s", "node22-redis-4500", 4500, 7, null).Adopted(hello), Is.False, "kept its own, newer or equal");
        Assert.That(new AnnouncementOutcome("s", "node22-redis-4501", 4501, 7, null).Adopted(hello), Is.False, "same address at another epoch");
        Assert.That(new AnnouncementOutcome("s", "node22-redis-4501", 4500, 8, null).Adopted(hello), Is.False, "another port");
        Assert.That(new AnnouncementOutcome("s", null, 0, 0, "refused").Adopted(hello), Is.False);
    }

    [TestCase("redis_14555_g1_4500", "redis_14555_g1_4500")]
    [TestCase("odd*name?[x]", @"odd\*name\?\[x\]")]
    [TestCase(@"back\slash", @"back\\slash")]
    public void A_reset_pattern_matches_the_one_master_named(string name, string pattern) =>
        Assert.That(SentinelView.ResetPattern(name), Is.EqualTo(pattern));
}
