using RedisHaLab.Reconfig;

namespace RedisHaLab.UnitTests.Reconfig;

public class SwitchMasterEventTests
{
    [Test]
    public void Reads_master_name_and_both_addresses_as_Sentinel_announces_them_with_hostnames()
    {
        var ok = SwitchMasterEvent.TryParse("redis_14555_g1_4500 node22-redis-4500 4500 node24-redis-4500 4500", out var parsed, out var problem);

        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.True, problem);
            Assert.That(parsed, Is.EqualTo(new SwitchMasterEvent("redis_14555_g1_4500",
                new MasterAddress("node22-redis-4500", 4500), new MasterAddress("node24-redis-4500", 4500))));
        });
    }

    [Test]
    public void Reads_IP_addresses_too()
    {
        Assert.That(SwitchMasterEvent.TryParse("mymaster 192.168.16.22 4501 192.168.16.24 4501", out var parsed, out _), Is.True);
        Assert.That(parsed!.NewMaster, Is.EqualTo(new MasterAddress("192.168.16.24", 4501)));
    }

    [Test]
    public void Tolerates_repeated_spaces_between_fields()
    {
        Assert.That(SwitchMasterEvent.TryParse("  g1  a 1   b 2 ", out var parsed, out _), Is.True);
        Assert.That(parsed, Is.EqualTo(new SwitchMasterEvent("g1", new MasterAddress("a", 1), new MasterAddress("b", 2))));
    }

    [TestCase(null, "got 0")]
    [TestCase("", "got 0")]
    [TestCase("   ", "got 0")]
    [TestCase("g1", "got 1")]
    [TestCase("g1 node22-redis-4500 4500 node24-redis-4500", "got 4")]
    [TestCase("g1 a 1 b 2 extra", "got 6")]
    [TestCase("g1 a x b 2", "old port 'x'")]
    [TestCase("g1 a 1 b two", "new port 'two'")]
    [TestCase("g1 a 1 b 0", "new port '0'")]
    [TestCase("g1 a 1 b 65536", "new port '65536'")]
    [TestCase("g1 a -1 b 2", "old port '-1'")]
    [TestCase("g1 a +1 b 2", "old port '+1'")]
    public void Refuses_a_malformed_payload_and_says_why(string? payload, string expectedProblem)
    {
        var ok = SwitchMasterEvent.TryParse(payload, out var parsed, out var problem);

        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.False);
            Assert.That(parsed, Is.Null);
            Assert.That(problem, Does.Contain(expectedProblem));
        });
    }
}
