using System.Net;
using System.Net.Sockets;
using RedisHaLab.Reconfig;
using RedisHaLab.Topology;

namespace RedisHaLab.UnitTests.Reconfig;

public class MasterAddressTests
{
    [Test]
    public void Host_names_compare_without_case_as_DNS_does()
    {
        var lower = new MasterAddress("node22-redis-4500", 4500);
        var upper = new MasterAddress("Node22-Redis-4500", 4500);

        Assert.Multiple(() =>
        {
            Assert.That(upper, Is.EqualTo(lower));
            Assert.That(upper.GetHashCode(), Is.EqualTo(lower.GetHashCode()));
            Assert.That(new MasterAddress("node22-redis-4500", 4501), Is.Not.EqualTo(lower));
        });
    }

    [Test]
    public void Is_the_address_of_a_server_with_the_same_host_and_port_whatever_its_weight_and_name()
    {
        var master = new MasterAddress("node24-redis-4500", 4500);

        Assert.Multiple(() =>
        {
            Assert.That(master.IsAddressOf(new ProxyServer("node24-redis-4500", 4500, 3, "g1")), Is.True);
            Assert.That(master.IsAddressOf(new ProxyServer("node24-redis-4500", 4501, 1, null)), Is.False);
            Assert.That(master.IsAddressOf(new ProxyServer("node22-redis-4500", 4500, 1, null)), Is.False);
        });
    }

    [Test]
    public void Takes_Sentinel_answers_as_host_names_or_IPs()
    {
        Assert.Multiple(() =>
        {
            Assert.That(MasterAddress.FromEndPoint(new DnsEndPoint("node24-redis-4500", 4500)), Is.EqualTo(new MasterAddress("node24-redis-4500", 4500)));
            Assert.That(MasterAddress.FromEndPoint(new IPEndPoint(IPAddress.Parse("192.168.16.24"), 4500)), Is.EqualTo(new MasterAddress("192.168.16.24", 4500)));
            Assert.That(MasterAddress.FromEndPoint(new UnixDomainSocketEndPoint("/tmp/redis.sock")), Is.Null);
            Assert.That(MasterAddress.FromEndPoint(null), Is.Null);
        });
    }

    [Test]
    public void Prints_as_nutcracker_writes_an_address()
    {
        Assert.That(new MasterAddress("node24-redis-4500", 4500).ToString(), Is.EqualTo("node24-redis-4500:4500"));
    }
}
