using RedisHaLab.Harness;

namespace RedisHaLab.UnitTests.Harness;

public class LabRunTests
{
    // Catches: a timed-out start that says only "canceled": which container kept the lab from being protected is what
    // the reader needs (a proxy that never serves, a Sentinel that never sees its peers).
    [Test]
    public void A_start_that_timed_out_says_its_bound_and_what_was_not_healthy_yet()
    {
        Assert.Multiple(() =>
        {
            Assert.That(LabRun.NotProtected(TimeSpan.FromMinutes(8), ["node23-redis-4500", "twemproxy-reconfig"]),
                Is.EqualTo("the lab was not healthy within 8 minutes; not healthy yet: node23-redis-4500, twemproxy-reconfig"));
            Assert.That(LabRun.NotProtected(TimeSpan.FromSeconds(90), ["node23-sentinel"]),
                Is.EqualTo("the lab was not healthy within 90 s; not healthy yet: node23-sentinel"));
        });
    }
}
