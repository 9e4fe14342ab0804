using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.UnitTests.Topology;

/// <summary>The lab's two connection strings, as the client library reads them.</summary>
public class LabConnectionStringsTests
{
    // Catches: proxy=Twemproxy dropped (the client would send commands twemproxy closes the connection on), a
    // tie-breaker read left on, or the password put where the parser does not find it.
    [TestCase(null)]
    [TestCase("0A1B2C")]
    public void The_front_doors_string_tells_the_client_it_talks_to_twemproxy_reads_no_tie_breaker_and_logs_in_when_asked(string? password)
    {
        var options = ConfigurationOptions.Parse(LabConnectionStrings.FrontDoor("127.0.0.1:14555", password));

        Assert.That(options.Proxy, Is.EqualTo(Proxy.Twemproxy));
        Assert.That(options.TieBreaker, Is.Empty);
        Assert.That(options.Password, Is.EqualTo(password));
        Assert.That(options.EndPoints.Select(e => e.ToString()), Is.EqualTo(new[] { "127.0.0.1:14555" }));
    }

    // Catches: the service name written under another key (the client would take the Sentinels for servers) or a Sentinel left out.
    [TestCase(null)]
    [TestCase("0A1B2C")]
    public void A_shards_string_names_every_Sentinel_and_the_shards_Sentinel_master_name(string? password)
    {
        var g1 = InventoryLoader.Load(InventoryFiles.PostPath).Shards.Single(s => s.Name == "g1");
        string[] sentinels = ["127.0.0.22:26379", "127.0.0.23:26379", "127.0.0.24:26379"];

        var options = ConfigurationOptions.Parse(LabConnectionStrings.Shard(sentinels, g1, password));

        Assert.That(options.ServiceName, Is.EqualTo("redis_14555_g1_4500"));
        Assert.That(options.EndPoints.Select(e => e.ToString()), Is.EqualTo(sentinels));
        Assert.That(options.Password, Is.EqualTo(password));
    }

    // The form docs/using-the-lab.md shows a user ("Taking the lab by reference").
    [Test]
    public void The_posts_front_door_reads_as_the_guide_writes_it() =>
        Assert.That(LabConnectionStrings.FrontDoor("127.0.0.1:14555", null), Is.EqualTo("127.0.0.1:14555,proxy=Twemproxy,tiebreaker="));
}
