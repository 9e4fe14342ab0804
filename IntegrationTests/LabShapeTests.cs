using Docker.DotNet;
using Docker.DotNet.Models;
using StackExchange.Redis;

namespace RedisHaLab.IntegrationTests;

/// <summary>What every lab must be once started, whatever its inventory: checked on the real servers.</summary>
public abstract class LabShapeTests(string inventoryFile) : LabFixture(inventoryFile)
{
    [Test]
    public async Task Every_instance_runs_in_its_own_container_published_on_loopback_only_and_none_holds_the_Docker_socket()
    {
        using var docker = new DockerClientConfiguration().CreateClient();
        var containers = await docker.Containers.ListContainersAsync(new ContainersListParameters { All = true });
        foreach (var name in ContainerNames)
        {
            var container = containers.SingleOrDefault(c => c.Names.Contains("/" + name));
            Assert.That(container, Is.Not.Null, $"container {name}");
            Assert.That(container!.State, Is.EqualTo("running"), name);
            var published = container.Ports.Where(p => p.PublicPort != 0).ToList();
            // The reconfig service serves nobody: it only talks to the lab, so it publishes nothing at all.
            Assert.That(published, name == Inventory.Proxy.ReconfigName ? Is.Empty : Is.Not.Empty, $"{name}'s published ports");
            Assert.That(published.Select(p => p.IP), Is.All.StartsWith("127."), $"{name} publishes only on loopback");
            Assert.That(container.Mounts.Select(m => m.Source), Has.None.EndsWith("docker.sock"), $"{name} mounts the Docker socket");
        }
    }

    [Test]
    public async Task The_front_doors_connection_string_reaches_the_lab_and_each_key_lands_on_one_master()
    {
        // What an application of the AppHost gets by WithReference, resolved by Aspire for the running lab.
        var connectionString = await App.GetConnectionStringAsync(Inventory.Proxy.Name);
        Assert.That(connectionString, Does.StartWith($"{FrontDoor},proxy=Twemproxy,tiebreaker="));
        await using var client = await ConnectionMultiplexer.ConnectAsync(connectionString!);
        var key = $"reference:{Guid.NewGuid():N}";

        Assert.That(await client.GetDatabase().StringSetAsync(key, "dc"), Is.True);

        var holders = new List<string>();
        foreach (var shard in Inventory.Shards)
        {
            await using var master = await ConnectRedisAsync(EndpointOf(shard.Master));
            if (await master.GetDatabase().KeyExistsAsync(key))
            {
                holders.Add(shard.Master.Name);
            }
        }
        Assert.That(holders, Has.Count.EqualTo(1), $"{key} written with the front door's connection string is on exactly one master");
    }

    [Test]
    public async Task A_key_set_through_the_front_door_reads_back_through_the_proxy_node_too()
    {
        await using var frontDoor = await ConnectProxyAsync(FrontDoor);
        await using var proxyNode = await ConnectProxyAsync(new(Inventory.Proxy.Node.Address, Inventory.Proxy.Port));
        var key = $"shape:{Guid.NewGuid():N}";

        Assert.That(await frontDoor.GetDatabase().StringSetAsync(key, "dc"), Is.True);

        Assert.That((string?)await proxyNode.GetDatabase().StringGetAsync(key), Is.EqualTo("dc"));
    }

    [Test]
    public async Task Keys_written_through_the_proxy_land_on_every_shard_master_exactly_once()
    {
        await using var proxy = await ConnectProxyAsync(FrontDoor);
        // Random keys: with twemproxy's fnv1a_64 (truncated to 32 bits) and ketama, short sequential keys like
        // "spread:0".."spread:299" can all miss a shard (seen with three shards: 0 of 300 on s1).
        var keys = Enumerable.Range(0, 300).Select(_ => $"spread:{Guid.NewGuid():N}").ToList();
        await Task.WhenAll(keys.Select(k => proxy.GetDatabase().StringSetAsync(k, k)));

        var holders = new Dictionary<string, List<string>>();
        foreach (var shard in Inventory.Shards)
        {
            await using var master = await ConnectRedisAsync(EndpointOf(shard.Master));
            var found = await Task.WhenAll(keys.Select(k => master.GetDatabase().KeyExistsAsync(k)));
            foreach (var key in keys.Where((_, i) => found[i]))
            {
                holders.TryAdd(key, []);
                holders[key].Add(shard.Name);
            }
            Assert.That(found.Count(f => f), Is.GreaterThan(0), $"shard {shard.Name} holds some keys");
        }
        Assert.That(keys.Where(k => !holders.ContainsKey(k) || holders[k].Count != 1), Is.Empty,
            "each key is on exactly one master");
    }

    [Test]
    public async Task Every_master_has_its_replicas_online()
    {
        foreach (var shard in Inventory.Shards)
        {
            var master = await InfoAsync(EndpointOf(shard.Master), "replication");
            Assert.That(master["role"], Is.EqualTo("master"), shard.Master.Name);
            Assert.That(master["connected_slaves"], Is.EqualTo(shard.Replicas.Count.ToString()), shard.Master.Name);
            foreach (var replica in shard.Replicas)
            {
                var info = await InfoAsync(EndpointOf(replica), "replication");
                Assert.That(info["role"], Is.EqualTo("slave"), replica.Name);
                Assert.That(info["master_host"], Is.EqualTo(shard.Master.Name), replica.Name);
                Assert.That(info["master_link_status"], Is.EqualTo("up"), replica.Name);
                Assert.That(master.Values.Any(v => v.StartsWith($"ip={replica.Name},port={replica.Port},state=online")), Is.True,
                    $"{shard.Master.Name} lists {replica.Name} online");
            }
        }
    }

    [Test]
    public async Task Every_sentinel_sees_every_master_its_replicas_and_the_other_sentinels()
    {
        var others = Inventory.Sentinels.Instances.Count - 1;
        foreach (var sentinel in Inventory.Sentinels.Instances)
        {
            await using var connection = await ConnectSentinelAsync(EndpointOf(sentinel));
            var server = connection.GetServer(EndpointOf(sentinel));
            // Sentinels discover replicas and each other through hello messages every 2 s: give them a bounded while.
            await Eventually(async () =>
            {
                var masters = (await server.SentinelMastersAsync()).Select(m => m.ToDictionary(p => p.Key, p => p.Value)).ToList();
                foreach (var shard in Inventory.Shards)
                {
                    var master = masters.SingleOrDefault(m => m["name"] == shard.SentinelMasterName);
                    if (master is null)
                    {
                        return $"{sentinel.Name} does not monitor {shard.SentinelMasterName}";
                    }
                    var seen = $"{master["ip"]}:{master["port"]} flags={master["flags"]} replicas={master["num-slaves"]} other-sentinels={master["num-other-sentinels"]}";
                    var expected = $"{shard.Master.Name}:{shard.Master.Port} flags=master replicas={shard.Replicas.Count} other-sentinels={others}";
                    if (seen != expected)
                    {
                        return $"{sentinel.Name} sees {shard.SentinelMasterName} as {seen}, expected {expected}";
                    }
                }
                return masters.Count == Inventory.Shards.Count ? null : $"{sentinel.Name} monitors {masters.Count} masters";
            }, TimeSpan.FromSeconds(30), $"{sentinel.Name} sees the whole topology");
        }
    }
}

/// <summary>The post's lab, from the default inventory.</summary>
[TestFixture]
public class PostLabTests() : LabShapeTests("post-2016.yml")
{
    [Test]
    public async Task The_posts_own_keys_work_through_port_14555()
    {
        // The post's own address of the proxy (192.168.16.23:14555), not the front door.
        await using var proxy = await ConnectProxyAsync(RedisHaLab.Probes.LabEndpoints.Of(Inventory.Proxy));
        var db = proxy.GetDatabase();

        await db.StringSetAsync("huang", "dc");
        await db.StringSetAsync("huangggggggggggggggggggggggggg", "dccccccccccccccccccccccccccccccccccccc");

        Assert.That((string?)await db.StringGetAsync("huang"), Is.EqualTo("dc"));
        Assert.That((string?)await db.StringGetAsync("huangggggggggggggggggggggggggg"), Is.EqualTo("dccccccccccccccccccccccccccccccccccccc"));
    }
}

/// <summary>A lab the post never had: three shards with two replicas each, five Sentinels.</summary>
[TestFixture]
public class ThreeShardLabTests() : LabShapeTests("three-shards.yml");
