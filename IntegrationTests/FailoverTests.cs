using System.Net;
using System.Net.Sockets;
using System.Text;
using Aspire.Hosting.ApplicationModel;
using Docker.DotNet;
using Docker.DotNet.Models;
using RedisHaLab.Clients;
using RedisHaLab.Load;
using RedisHaLab.Probes;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.IntegrationTests;

/// <summary>
/// The post's failover, for real: a master container is killed, Sentinel promotes its replica, the reconfig
/// service hands twemproxy the new config, and every key stays reachable through port 14555. Routing is checked by
/// data: keys written through the front door are read back directly from the shard's current master. The tests
/// share one lab and run in order, each leaving the shards it did not kill intact. They run on the post's lab and on
/// the same lab with authentication on, where every party has to log in for the failover to work.
/// </summary>
[TestFixture("post-2016.yml")]
[TestFixture("post-2016-auth.yml")]
public class FailoverTests(string inventoryFile) : LabFixture(inventoryFile)
{
    private static readonly TimeSpan FailoverWithin = TimeSpan.FromSeconds(30);

    private readonly DockerClient _docker = new DockerClientConfiguration().CreateClient();

    [OneTimeTearDown]
    public void DisposeDocker() => _docker.Dispose();

    [Test, Order(0)]
    public async Task Redis_Sentinel_and_the_proxy_ask_for_the_password_exactly_when_the_inventory_turns_authentication_on()
    {
        // The issue's redis-cli checks, spoken in RESP over a plain socket as redis-cli would, so that no client library
        // logs in on its own: the post's master, the proxy node's Sentinel, and a GET through the front door.
        var g1Master = Inventory.Shards.Single(s => s.Name == "g1").Master;
        var sentinel = Inventory.Sentinels.Instances.Single(s => s.Node == Inventory.Proxy.Node);
        (string What, IPEndPoint Endpoint, string[] Command, string Answer)[] checks =
        [
            ($"PING to {g1Master.Name}", EndpointOf(g1Master), ["PING"], "+PONG"),
            ($"PING to {sentinel.Name}", EndpointOf(sentinel), ["PING"], "+PONG"),
            ("GET through the front door", FrontDoor, ["GET", "redis-ha-lab:never-written"], "$-1"),
        ];
        foreach (var (what, endpoint, command, answer) in checks)
        {
            var anonymous = await RespAsync(endpoint, command);
            if (Password is null)
            {
                Assert.That(anonymous, Is.EqualTo([answer]), $"{what} without a password, on a lab without authentication");
                continue;
            }
            Assert.That(anonymous[0], Does.Contain("NOAUTH").Or.Contain("Authentication required"), $"{what} without the password is refused");
            Assert.That((await RespAsync(endpoint, ["AUTH", "not-the-password"], command))[0], Does.StartWith("-"), $"{what}: a wrong password is refused");
            Assert.That(await RespAsync(endpoint, ["AUTH", Password], command), Is.EqualTo(new[] { "+OK", answer }), $"{what} with the password");
        }
    }

    [Test, Order(1)]
    public async Task Restarting_the_reconfig_service_without_a_failover_leaves_the_proxy_alone()
    {
        await using var proxy = await ConnectResilientProxyAsync();
        var dropped = 0;
        // nutcracker restarted means every client connection dropped: the one thing a needless apply cannot hide.
        proxy.ConnectionFailed += (_, _) => Interlocked.Increment(ref dropped);

        var result = await App.ResourceCommands.ExecuteCommandAsync(Inventory.Proxy.ReconfigName, KnownResourceCommands.RestartCommand);
        Assert.That(result.Success, Is.True, result.Message);
        await App.ResourceNotifications.WaitForResourceAsync(Inventory.Proxy.ReconfigName, KnownResourceStates.Running);
        // Long enough for its start-up reconcile and one periodic one (every 5 s).
        await Task.Delay(TimeSpan.FromSeconds(8));

        Assert.That(await proxy.GetDatabase().StringSetAsync("still-the-same-connection", "yes"), Is.True);
        Assert.That(dropped, Is.Zero, "client connections to 14555 dropped (nutcracker was restarted)");
        await AssertEveryShardRoutedToItsMasterAsync();
    }

    [Test, Order(2)]
    public async Task A_config_the_proxy_refuses_leaves_it_serving_the_one_it_runs()
    {
        // What a broken writer would leave: the supervisor must check it and keep nutcracker on the old config,
        // without so much as a restart (which would drop every client connection).
        await using var client = await ConnectResilientProxyAsync();
        var dropped = 0;
        client.ConnectionFailed += (_, _) => Interlocked.Increment(ref dropped);
        var wanted = Path.Combine(ProxyConfigFolder, Inventory.Proxy.ConfigFileName);
        var good = await File.ReadAllTextAsync(wanted);
        // The reconfig service sets a wanted file that differs from what runs back at each pass (every 5 s): paused, it
        // cannot do so before the supervisor has read the broken one (on a busy machine it once did, and the supervisor
        // never saw what this test is about).
        await _docker.Containers.PauseContainerAsync(Inventory.Proxy.ReconfigName);
        try
        {
            var broken = $"{Inventory.Proxy.Pool}:\n  listen: 0.0.0.0:{Inventory.Proxy.Port}\n  servers: [ not-a-server ]\n";
            await File.WriteAllTextAsync(wanted + ".tmp", broken);
            File.Move(wanted + ".tmp", wanted, overwrite: true);

            // This config refused, not one an earlier fixture on the same lab left refused.
            var rejected = Path.Combine(ProxyConfigFolder, Inventory.Proxy.RejectedConfigFileName);
            await Eventually(async () => File.Exists(rejected) && await File.ReadAllTextAsync(rejected) == broken ? null : "not refused yet",
                TimeSpan.FromSeconds(5), "the proxy reports the config refused");
        }
        finally
        {
            await _docker.Containers.UnpauseContainerAsync(Inventory.Proxy.ReconfigName);
        }
        await AssertEveryShardRoutedToItsMasterAsync();
        Assert.That(await client.GetDatabase().StringSetAsync("kept-connection", "yes"), Is.True);
        Assert.That(dropped, Is.Zero, "client connections to 14555 dropped: nutcracker was stopped for a config it could not run");
        // The service sets the wanted file back to what runs at its next pass, so a proxy restart cannot pick it up.
        await Eventually(async () => await File.ReadAllTextAsync(wanted) == good ? null : "the broken file is still wanted",
            TimeSpan.FromSeconds(15), "the reconfig service repairs the wanted file");
    }

    /// <remarks>
    /// One kill, two ways in: the post's front door, and StackExchange.Redis's own Sentinel mode on this machine's host
    /// (<c>serviceName=</c>, the lab's names mapped to its loopback ports by <see cref="LabAddressTunnel"/>), as an
    /// application referencing the shard would connect. Each is checked on the data: what it wrote is on the master the
    /// shard settled on.
    /// </remarks>
    [Test, Order(4)]
    public async Task The_posts_keys_stay_reachable_through_14555_and_through_g2s_Sentinels_after_the_g2_master_is_killed()
    {
        var g2 = Inventory.Shards.Single(s => s.Name == "g2");
        await using var proxy = await ConnectResilientProxyAsync();
        var db = proxy.GetDatabase();
        await db.StringSetAsync("huang", "dc");
        await db.StringSetAsync("huangggggggggggggggggggggggggg", "dccccccccccccccccccccccccccccccccccccc");
        await using var follower = await ConnectionMultiplexer.ConnectAsync(ShardOptions(g2, LabEndpoints.Aspire.AddressTunnel(Inventory), Patience.RidingOut(2000)));
        var followerKey = $"sentinel-aware:{Guid.NewGuid():N}";
        Assert.That(await follower.GetDatabase().StringSetAsync(followerKey, "before the kill"), Is.True, "a write through g2's Sentinels from the host");
        await ReplicasCaughtUpAsync(g2);

        await KillAsync(g2.Master);

        await Eventually(async () =>
        {
            try
            {
                var shortKey = (string?)await db.StringGetAsync("huang");
                var longKey = (string?)await db.StringGetAsync("huangggggggggggggggggggggggggg");
                var written = await db.StringSetAsync("huangggggggggggggggggggggggggg", "written after the failover");
                return shortKey == "dc" && longKey is not null && written ? null : $"read {shortKey}/{longKey}, write {written}";
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                return e.Message;
            }
        }, FailoverWithin, "both keys readable and writes accepted through 14555");
        var followerKeyAfter = $"{followerKey}:after";
        await Eventually(async () =>
        {
            try
            {
                var follows = follower.GetDatabase();
                return await follows.StringSetAsync(followerKeyAfter, "after the kill") && (string?)await follows.StringGetAsync(followerKey) == "before the kill"
                    ? null
                    : "the write was refused or the earlier key was not read back";
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                return e.Message;
            }
        }, FailoverWithin, "a Sentinel-aware client on the host reads and writes g2 again");

        var masters = await AssertEveryShardRoutedToItsMasterAsync();
        Assert.That(masters[g2], Is.EqualTo(g2.Replicas[0]), "g2 is served by its promoted replica");
        var g1 = Inventory.Shards.Single(s => s.Name == "g1");
        Assert.That(masters[g1].Name, Is.EqualTo(g1.Master.Name), "g1 is left alone");
        // Read on the master the shard settled on, not through the client under test.
        await using var settled = await ConnectRedisAsync(EndpointOf(masters[g2]));
        var onMaster = await settled.GetDatabase().StringGetAsync([followerKey, followerKeyAfter]);
        Assert.That(onMaster.Select(v => (string?)v), Is.EqualTo(new[] { "before the kill", "after the kill" }),
            $"what the Sentinel-aware client wrote before and after the kill is on {masters[g2].Name}");
    }

    [Test, Order(3)]
    public void A_Sentinel_aware_client_on_the_host_connects_only_where_the_labs_map_leads()
    {
        // The run that must fail: the same client with a map that names the Sentinels but no Redis instance cannot reach
        // the master the Sentinels name (and never asks a DNS server for it), so the map is what the test above relies on.
        var g2 = Inventory.Shards.Single(s => s.Name == "g2");
        var sentinelsOnly = new LabAddressTunnel(Inventory.Sentinels.Instances.Select(s => (s.Name, s.Port, EndpointOf(s))));

        var refusals = new System.Collections.Concurrent.ConcurrentQueue<string>();
        sentinelsOnly.Refused += refusals.Enqueue;

        Assert.ThrowsAsync<RedisConnectionException>(async () => await ConnectionMultiplexer.ConnectAsync(ShardOptions(g2, sentinelsOnly, Patience.Quick(1500))));
        Assert.That(refusals, Has.Some.StartsWith($"{g2.Master.Name}:{g2.Master.Port} is no server of this lab"),
            "the Sentinels answered, and the master they named was refused by the map");
    }

    /// <summary>StackExchange.Redis's Sentinel mode for <paramref name="shard"/>, from the host: every Sentinel at its loopback port.</summary>
    private ConfigurationOptions ShardOptions(Shard shard, LabAddressTunnel addresses, Patience patience) =>
        LabConnections.ToShard(Inventory.Sentinels.Instances.Select(s => (EndPoint)EndpointOf(s)), shard.SentinelMasterName, Password, addresses, patience);

    [Test, Order(5)]
    public async Task Thousands_of_keys_across_both_shards_are_all_readable_after_the_g1_master_is_killed()
    {
        var g1 = Inventory.Shards.Single(s => s.Name == "g1");
        await using var proxy = await ConnectResilientProxyAsync();
        var db = proxy.GetDatabase();
        // Written and read back in the key set's batches (KeySet.Batch), each key holding its own name.
        var keys = new KeySet($"many:{Guid.NewGuid():N}");
        await keys.WriteAsync(db, 5000);
        await ReplicasCaughtUpAsync(g1);

        await KillAsync(g1.Master);

        await Eventually(async () =>
        {
            // The client connected before the kill rides out the proxy's restart.
            var readBack = await keys.ReadBackAsync(db);
            return readBack.Unreadable == 0 ? null : readBack.ToString();
        }, FailoverWithin, "every key readable through 14555");
        var masters = await AssertEveryShardRoutedToItsMasterAsync();
        Assert.That(masters[g1], Is.EqualTo(g1.Replicas[0]), "g1 is served by its promoted replica");
    }

    // Once an open finding: the shard is left with no live instance, its container name leaves Docker's DNS, and
    // nutcracker's blocking re-resolution of it froze the whole proxy wherever the upstream resolver is slow. The proxy's
    // supervisor now starts nutcracker on addresses for named servers, so this holds whatever the machine's DNS does.
    [Test, Order(6)]
    public async Task New_clients_connect_and_read_the_other_shard_while_a_shard_has_no_master()
    {
        // The shard StackExchange.Redis's handshake would read from by default (its tie-breaker key) is the one
        // taken down: the lab's front door options must not depend on it. Last in order: it leaves that shard down.
        var masters = await new ShardMasters(new SentinelView(Inventory, Password, LabEndpoints.Aspire)).RequireAllAsync(Inventory);
        await using var proxy = await ConnectResilientProxyAsync();
        var db = proxy.GetDatabase();
        var tieBreakerKey = new ConfigurationOptions().TieBreaker;
        Assert.That(await db.StringSetAsync(tieBreakerKey, "placed"), Is.True);
        var down = await ShardHoldingAsync(tieBreakerKey, masters);
        string? otherKey = null;
        for (var i = 0; i < 100 && otherKey is null; i++)
        {
            var key = $"fresh-client:{Guid.NewGuid():N}";
            await db.StringSetAsync(key, key);
            otherKey = await ShardHoldingAsync(key, masters) != down ? key : null;
        }
        Assert.That(otherKey, Is.Not.Null, "a key of another shard than the tie-breaker's");

        // The whole shard, replicas first: no failover follows, so the proxy is never restarted (clients opened
        // during a restart fail whatever their options) and the shard stays without a master for the whole window.
        foreach (var instance in down.Replicas.Prepend(down.Master).Where(i => i != masters[down]).Append(masters[down]))
        {
            try
            {
                await KillAsync(instance);
            }
            catch (DockerApiException e) when (e.StatusCode is System.Net.HttpStatusCode.Conflict or System.Net.HttpStatusCode.NotFound)
            {
                // Already down (an earlier test killed it).
            }
        }

        // The proxy sends the shard's keys to its dead master, whose address no longer answers: a read of them waits
        // (the pool has no timeout, as in the post). Reads of the dead shard's keys keep the proxy trying it, as an
        // application's traffic would.
        using var stop = new CancellationTokenSource();
        var deadShardTraffic = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                _ = db.StringGetAsync(tieBreakerKey, CommandFlags.FireAndForget);
                await Task.Delay(50);
            }
        });
        // A new client every 100 ms, each on its own: a hang of the handshake shows in every client opened during it.
        var clients = new List<Task<string?>>();
        var window = System.Diagnostics.Stopwatch.StartNew();
        while (window.Elapsed < TimeSpan.FromSeconds(4))
        {
            var started = window.Elapsed;
            clients.Add(Task.Run(async () =>
            {
                try
                {
                    await using var fresh = await ConnectionMultiplexer.ConnectAsync(LabConnections.ToProxy(FrontDoor, Password,
                        new Patience { ConnectMilliseconds = 1500, CommandMilliseconds = 1500, ConnectRetry = 0 }));
                    var value = (string?)await fresh.GetDatabase().StringGetAsync(otherKey);
                    return value == otherKey ? null : $"{started.TotalSeconds:0.0} s after the kill: read {value ?? "(nil)"}";
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    return $"{started.TotalSeconds:0.0} s after the kill: {e.GetType().Name}: {e.Message.Split('\n')[0]}";
                }
            }));
            await Task.Delay(100);
        }
        var problems = (await Task.WhenAll(clients)).OfType<string>().ToList();
        var opened = clients.Count;
        await stop.CancelAsync();
        await deadShardTraffic;
        Assert.That(problems, Is.Empty, $"{problems.Count} of {opened} clients opened while {down.Name} had no master failed to connect and read {otherKey} of the other shard; first: {string.Join("; ", problems.Take(3))}");
    }

    /// <summary>The shard whose current master holds <paramref name="key"/>, read directly from each master.</summary>
    private async Task<Shard> ShardHoldingAsync(string key, IReadOnlyDictionary<Shard, RedisInstance> masters)
    {
        foreach (var (shard, master) in masters)
        {
            await using var redis = await ConnectRedisAsync(EndpointOf(master));
            if (await redis.GetDatabase().KeyExistsAsync(key))
            {
                return shard;
            }
        }
        throw new AssertionException($"{key}, written through the front door, is on no shard's master");
    }

    private string ProxyConfigFolder => Path.GetDirectoryName(ProxyConfigFile)!;

    /// <summary>
    /// Every shard's current master (the instance that answers ROLE master), and probe keys written through the
    /// front door landing on it and nowhere else; eventually, since the proxy may still be restarting.
    /// </summary>
    private async Task<IReadOnlyDictionary<Shard, RedisInstance>> AssertEveryShardRoutedToItsMasterAsync()
    {
        var masters = await new ShardMasters(new SentinelView(Inventory, Password, LabEndpoints.Aspire)).RequireAllAsync(Inventory);
        await using var proxy = await ConnectResilientProxyAsync();
        foreach (var shard in Inventory.Shards)
        {
            await Eventually(() => RoutingProbe.ProblemAsync(proxy.GetDatabase(), shard, masters, TimeSpan.FromSeconds(5), LabEndpoints.Aspire, Password),
                FailoverWithin, $"keys of {shard.Name} written through 14555 land on {masters[shard].Name}");
        }
        return masters;
    }

    /// <summary>A client that rides out the proxy's restart: it reconnects instead of failing at connect time.</summary>
    private Task<ConnectionMultiplexer> ConnectResilientProxyAsync() => LabClients.ProxyAsync(FrontDoor, Password);

    /// <summary>
    /// Sends <paramref name="commands"/> on a fresh connection and returns the first line of each reply (enough for the
    /// simple and error replies and the nil the checks expect); bounded by a timeout.
    /// </summary>
    private static async Task<string[]> RespAsync(IPEndPoint endpoint, params string[][] commands)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        using var client = new TcpClient();
        await client.ConnectAsync(endpoint, timeout.Token);
        await using var stream = client.GetStream();
        var request = new StringBuilder();
        foreach (var command in commands)
        {
            request.Append($"*{command.Length}\r\n");
            foreach (var word in command)
            {
                request.Append($"${Encoding.UTF8.GetByteCount(word)}\r\n{word}\r\n");
            }
        }
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), timeout.Token);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var replies = new string[commands.Length];
        for (var i = 0; i < commands.Length; i++)
        {
            replies[i] = await reader.ReadLineAsync(timeout.Token) ?? "(connection closed)";
        }
        return replies;
    }

    /// <summary>Replication is asynchronous: wait until each replica has every write before the master dies.</summary>
    private async Task ReplicasCaughtUpAsync(Shard shard)
    {
        await Eventually(async () =>
        {
            var master = await InfoAsync(EndpointOf(shard.Master), "replication");
            foreach (var replica in shard.Replicas)
            {
                var info = await InfoAsync(EndpointOf(replica), "replication");
                if (info["slave_repl_offset"] != master["master_repl_offset"])
                {
                    return $"{replica.Name} at offset {info["slave_repl_offset"]}, master at {master["master_repl_offset"]}";
                }
            }
            return null;
        }, TimeSpan.FromSeconds(10), $"replicas of {shard.Name} caught up");
    }

    /// <summary>The post's `kill` of a master process: SIGKILL to its container.</summary>
    private Task KillAsync(RedisInstance instance) =>
        _docker.Containers.KillContainerAsync(instance.Name, new ContainerKillParameters { Signal = "KILL" });
}
