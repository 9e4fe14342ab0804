using System.Net;
using RedisHaLab.Clients;
using RedisHaLab.Probes;
using RedisHaLab.Topology;
using RedisHaLab.UnitTests.Reconfig;
using StackExchange.Redis;

namespace RedisHaLab.UnitTests.Clients;

/// <summary>
/// The map a Sentinel-aware client on the host follows the lab with: each name the Sentinels give leads to where the
/// host reaches that server, and nothing else leads anywhere (no DNS question, no address outside loopback).
/// </summary>
public class LabAddressTunnelTests
{
    private static readonly IPEndPoint Node24Redis4500 = IPEndPoint.Parse("127.0.0.24:4500");

    private static LabAddressTunnel Tunnel() => new([("node24-redis-4500", 4500, Node24Redis4500), ("node23-sentinel", 26379, IPEndPoint.Parse("127.0.0.23:26379"))]);

    [Test]
    public async Task A_name_the_Sentinels_give_leads_to_the_servers_port_on_its_nodes_loopback_address_whatever_its_case()
    {
        var tunnel = Tunnel();

        Assert.That(await tunnel.GetSocketConnectEndpointAsync(new DnsEndPoint("node24-redis-4500", 4500), CancellationToken.None), Is.EqualTo(Node24Redis4500));
        Assert.That(await tunnel.GetSocketConnectEndpointAsync(new DnsEndPoint("Node24-Redis-4500", 4500), CancellationToken.None), Is.EqualTo(Node24Redis4500));
    }

    [Test]
    public async Task A_loopback_address_is_used_as_it_is()
    {
        var sentinel = IPEndPoint.Parse("127.0.0.22:26379");

        Assert.That(await Tunnel().GetSocketConnectEndpointAsync(sentinel, CancellationToken.None), Is.EqualTo(sentinel));
    }

    [TestCase("node25-redis-4500", 4500, Description = "a name the lab does not have")]
    [TestCase("node24-redis-4500", 4501, Description = "a name of the lab on another port")]
    public void A_name_the_map_does_not_have_is_refused_without_looking_it_up(string host, int port)
    {
        var refused = Assert.Throws<LabAddressException>(() => Tunnel().HostEndpointOf(new DnsEndPoint(host, port)));

        Assert.That(refused!.Message, Does.StartWith($"{host}:{port} is no server of this lab"));
        Assert.That(refused.Message, Does.Contain("node24-redis-4500:4500"), "the message says which names the map has");
    }

    [Test]
    public void A_refused_connection_says_why_to_whoever_listens_the_client_library_does_not()
    {
        var tunnel = Tunnel();
        var reasons = new List<string>();
        tunnel.Refused += reasons.Add;

        Assert.That(async () => await tunnel.GetSocketConnectEndpointAsync(new DnsEndPoint("node25-redis-4500", 4500), CancellationToken.None),
            Throws.InstanceOf<LabAddressException>());
        Assert.That(reasons, Has.Count.EqualTo(1).And.Some.StartsWith("node25-redis-4500:4500 is no server of this lab"));
    }

    [Test]
    public void A_containers_own_address_is_refused_the_host_talks_to_loopback_only()
    {
        Assert.Throws<LabAddressException>(() => Tunnel().HostEndpointOf(IPEndPoint.Parse("172.18.0.5:4500")));
    }

    [Test]
    public void A_map_leading_off_loopback_or_naming_a_server_twice_is_refused()
    {
        Assert.That(() => new LabAddressTunnel([("node24-redis-4500", 4500, IPEndPoint.Parse("10.0.0.24:4500"))]),
            Throws.ArgumentException.With.Message.Contain("not a loopback address"));
        Assert.That(() => new LabAddressTunnel([("node24-redis-4500", 4500, Node24Redis4500), ("NODE24-redis-4500", 4500, Node24Redis4500)]),
            Throws.ArgumentException.With.Message.Contain("mapped twice"));
    }

    [Test]
    public void The_map_travels_as_one_line_and_reads_back_the_same()
    {
        var line = Tunnel().ToString();

        Assert.That(line, Is.EqualTo("node23-sentinel:26379=127.0.0.23:26379,node24-redis-4500:4500=127.0.0.24:4500"));
        var read = LabAddressTunnel.Parse(line);
        Assert.That(read.ToString(), Is.EqualTo(line));
        Assert.That(read.HostEndpointOf(new DnsEndPoint("node24-redis-4500", 4500)), Is.EqualTo(Node24Redis4500));
    }

    [TestCase("node24-redis-4500=127.0.0.24:4500", Description = "no port on the name")]
    [TestCase("node24-redis-4500:4500=127.0.0.24", Description = "no port on the address")]
    [TestCase("node24-redis-4500:4500", Description = "no address")]
    [TestCase("node24-redis-4500:4500=10.0.0.24:4500", Description = "off loopback")]
    public void A_line_that_is_not_a_map_is_refused_with_what_a_part_should_look_like(string line)
    {
        var refused = Assert.Throws<FormatException>(() => LabAddressTunnel.Parse(line));

        Assert.That(refused!.Message, Does.Contain("node24-redis-4500"));
        Assert.That(refused.Message, Does.Not.Contain("(Parameter"));
    }

    [Test]
    public void The_labs_map_names_every_Redis_and_Sentinel_by_its_container_name_at_its_published_port()
    {
        var tunnel = LabEndpoints.Aspire.AddressTunnel(Fixtures.PostLab);

        Assert.That(tunnel.Count, Is.EqualTo(Fixtures.PostLab.RedisInstances.Count() + Fixtures.PostLab.Sentinels.Instances.Count));
        Assert.That(tunnel.HostEndpointOf(new DnsEndPoint("node24-redis-4501", 4501)), Is.EqualTo(IPEndPoint.Parse("127.0.0.24:4501")));
        Assert.That(tunnel.HostEndpointOf(new DnsEndPoint("node22-sentinel", 26379)), Is.EqualTo(IPEndPoint.Parse("127.0.0.22:26379")));
    }

    [Test]
    public void A_lab_beside_others_is_mapped_by_its_own_names_to_its_own_addresses()
    {
        var placed = LabPlacement.Place(Fixtures.PostLab, 1);
        var tunnel = LabEndpoints.Aspire.AddressTunnel(placed);
        var replica = placed.Shards.Single(s => s.Name == "g1").Replicas[0];

        Assert.That(tunnel.HostEndpointOf(new DnsEndPoint(replica.Name, replica.Port)), Is.EqualTo(LabEndpoints.Aspire.Of(replica)));
        Assert.That(replica.Name, Does.StartWith("lab1-"));
        Assert.Throws<LabAddressException>(() => tunnel.HostEndpointOf(new DnsEndPoint("node24-redis-4500", 4500)), "another lab's name");
    }

    [Test]
    public void A_shards_options_follow_its_Sentinels_through_the_map_in_RESP2()
    {
        var tunnel = Tunnel();
        var options = LabConnections.ToShard("127.0.0.22:26379,127.0.0.23:26379,serviceName=redis_14555_g1_4500,password=s3cret", tunnel, Patience.Quick(1500));

        Assert.That(options.ServiceName, Is.EqualTo("redis_14555_g1_4500"));
        Assert.That(options.EndPoints, Has.Count.EqualTo(2));
        Assert.That(options.Tunnel, Is.SameAs(tunnel));
        Assert.That(options.Password, Is.EqualTo("s3cret"));
        Assert.That(options.Protocol, Is.EqualTo(RedisProtocol.Resp2));
        Assert.That(() => LabConnections.ToShard("127.0.0.22:26379", tunnel, Patience.Quick(1500)), Throws.ArgumentException.With.Message.Contain("serviceName"));
    }
}
