using RedisHaLab.Reconfig;

namespace RedisHaLab.UnitTests.Reconfig;

/// <summary>What the service takes from a <c>SENTINEL MASTER</c> reply: every later check stands on these three fields.</summary>
public class SentinelMasterReplyTests
{
    private static Dictionary<string, string> Reply(string ip = "node24-redis-4500", string port = "4500", string? epoch = "7")
    {
        var fields = new Dictionary<string, string> { ["name"] = "redis_14555_g1_4500", ["ip"] = ip, ["port"] = port, ["flags"] = "master" };
        if (epoch is not null)
        {
            fields["config-epoch"] = epoch;
        }
        return fields;
    }

    // Catches: the epoch read as anything but Sentinel's own (0 would switch off the stale-claim check altogether).
    [Test]
    public void The_address_and_the_config_epoch_are_taken_as_the_Sentinel_gives_them()
    {
        var answer = SentinelMasterReply.Read("node23-sentinel", Reply());

        Assert.That(answer, Is.EqualTo(SentinelAnswer.Named("node23-sentinel", new MasterAddress("node24-redis-4500", 4500), 7)));
    }

    // Catches: a reply that cannot be ordered or reached counted as an answer.
    [TestCase("node24-redis-4500", "4500", null, "no config-epoch")]
    [TestCase("node24-redis-4500", "4500", "-1", "no config-epoch")]
    [TestCase("node24-redis-4500", "0", "7", "no usable ip and port")]
    [TestCase("node24-redis-4500", "70000", "7", "no usable ip and port")]
    [TestCase(" ", "4500", "7", "no usable ip and port")]
    public void A_reply_without_a_usable_address_or_epoch_is_no_answer(string ip, string port, string? epoch, string problem)
    {
        var answer = SentinelMasterReply.Read("node23-sentinel", Reply(ip, port, epoch));

        Assert.That(answer.Master, Is.Null);
        Assert.That(answer.Problem, Does.Contain(problem));
    }
}
