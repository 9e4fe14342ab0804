using System.Net;
using RedisHaLab.Faults;
using RedisHaLab.Probes;
using RedisHaLab.Topology;
using RedisHaLab.UnitTests.Topology;

namespace RedisHaLab.UnitTests.Chaos;

/// <summary>On three engines a node's fault hits the host, instances are reached on their host's engine, and a fault on one instance is refused.</summary>
public class HostsLabSiteTests
{
    private static readonly Inventory Post = InventoryLoader.Load(InventoryFiles.PostPath);

    private static readonly Dictionary<string, IPAddress> Engines = new()
    {
        ["node22"] = IPAddress.Parse("172.30.0.2"),
        ["node23"] = IPAddress.Parse("172.30.0.3"),
        ["node24"] = IPAddress.Parse("172.30.0.4"),
    };

    private static LabSite Site => LabSite.Hosts(Post, Engines);

    // Catches: a node's fault expanded into its instances' containers, which this machine's Docker does not see.
    [Test]
    public void A_node_is_its_host() =>
        Assert.That(Site.ContainersOn(Post, Post.Nodes.Single(n => n.Name == "node22")), Is.EqualTo(new[] { "node22" }));

    // Catches: an instance reached at 127.0.0.1 (the one-node swarm's place) or on another node's engine.
    [Test]
    public void An_instance_is_reached_on_its_hosts_engine_at_its_published_port()
    {
        var replica = Post.Shards.Single(s => s.Name == "g1").Replicas[0];
        Assert.That(Site.Of(replica), Is.EqualTo(new IPEndPoint(Engines[replica.Node.Name], SwarmHostPorts.Of(Post, replica.Name))));
    }

    // Catches: an instance's name handed to this machine's Docker as a container (it would kill nothing, or a stranger).
    [Test]
    public void A_fault_on_one_instance_is_refused_naming_its_host()
    {
        var master = Post.Shards.Single(s => s.Name == "g2").Master;
        Assert.That(async () => await Site.ContainerAsync(null!, master.Name, CancellationToken.None),
            Throws.TypeOf<ChaosException>().With.Message.Contains($"inside host {master.Node.Name}'s engine").And.Message.Contains($"kill: {master.Node.Name}"));
    }
}
