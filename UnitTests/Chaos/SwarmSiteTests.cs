using RedisHaLab.Faults;
using RedisHaLab.Probes;
using RedisHaLab.Topology;
using RedisHaLab.UnitTests.Topology;

namespace RedisHaLab.UnitTests.Chaos;

/// <summary>How host code finds a Swarm stack's parts: one host port per instance, and a link's state read from <c>ip</c>.</summary>
public class SwarmSiteTests
{
    private static Inventory Post => InventoryLoader.Load(InventoryFiles.PostPath);

    [Test]
    public void Every_Redis_and_Sentinel_has_its_own_host_port_at_127_0_0_1()
    {
        var inventory = Post;
        var site = LabSite.Swarm(inventory, "redis-ha-lab");
        var endpoints = inventory.RedisInstances.Select(site.Of).Concat(inventory.Sentinels.Instances.Select(site.Of)).ToList();
        Assert.That(endpoints.Select(e => e.Address.ToString()), Is.All.EqualTo("127.0.0.1"));
        Assert.That(endpoints.Select(e => e.Port), Is.Unique);
        Assert.That(endpoints.Select(e => e.Port), Has.None.EqualTo(inventory.Proxy.Port));
        Assert.That(site.FrontDoor(inventory).ToString(), Is.EqualTo("127.0.0.1:14555"));
        Assert.That(SwarmHostPorts.Problem(inventory), Is.Null);
    }

    [Test]
    public void The_Aspire_site_keeps_each_instance_on_its_nodes_address()
    {
        var g1Replica = Post.Shards[0].Replicas[0];
        Assert.That(LabSite.Aspire.Of(g1Replica).ToString(), Is.EqualTo("127.0.0.24:4500"));
        Assert.That(LabEndpoints.Aspire.Of(g1Replica).ToString(), Is.EqualTo("127.0.0.24:4500"), "the probes' default: the Aspire lab");
    }

    [Test]
    public void A_front_door_among_the_instances_host_ports_is_refused()
    {
        var inventory = InventoryLoader.Parse(InventoryFiles.PostWith("listen: 14555", "listen: 17003"), "clash.yml");
        Assert.That(SwarmHostPorts.Problem(inventory), Does.Contain("17003"));
    }

    [TestCase("12: eth0@if13: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP mode DEFAULT", "eth0", true)]
    [TestCase("14: eth1@if15: <BROADCAST,MULTICAST> mtu 1500 qdisc noqueue state DOWN mode DEFAULT", "eth1", false)]
    [TestCase("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN", "lo", true)]
    public void A_links_name_and_state_are_read_from_ip_link(string line, string name, bool up) =>
        Assert.That(SwarmNetwork.ParseLink(line), Is.EqualTo((name, up)));
}
