using System.Diagnostics;
using System.Globalization;
using System.Net;
using RedisHaLab.Clients;
using RedisHaLab.Faults;
using RedisHaLab.Load;
using RedisHaLab.Playbooks;
using RedisHaLab.Probes;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.IntegrationTests;

/// <summary>
/// The post's three hosts as three Docker engines on this machine (<c>eng/swarm.sh hosts up</c>), the proxy-HA
/// inventory deployed on them as a stack, and whole hosts lost: node22's engine killed (both masters, a Sentinel);
/// node22 back, then node24 (the masters by then) cut off from the others and healed, both as playbooks under a
/// write load (<c>scenarios/three-hosts/</c>, through <see cref="LabSite.Hosts"/>); then node23's engine killed
/// (a proxy, a Sentinel). Killing the engine's container kills the engine and every container it runs at once, with
/// no clean shutdown: a host losing power.
/// </summary>
/// <remarks>
/// Everything is read through the front door (127.0.0.1, HAProxy on this machine in front of every engine) or from
/// the engines' addresses on their network: the Sentinels and Redis instances publish their host ports (17000 on) on
/// their engine, not on this machine.
/// </remarks>
// Beside the other fixtures' labs: its engines are containers named after the post's hosts (node22...), its front door
// is 127.0.0.1:14555 and its instances publish on their engines, while each other lab has a loopback range, names and
// ports of its own (lab index 1 and up). Only the Swarm stack (NonParallelizable) holds 127.0.0.1:14555 too.
// Not dispatched first (tried with [Order(1)]): beside the client matrix's and the authenticated scenarios' labs, the
// front door closed the first connection after node22's host came back "protected", and the partition test failed.
[TestFixture]
public class ThreeHostsTests
{
    private const string InventoryFile = "post-2016-proxy-ha.yml";
    private const int KeyCount = 2_000;

    /// <summary>The issue's bounds: after a host with both masters dies, every key within 30 s; after a proxy's host, the front door within 10 s.</summary>
    private static readonly TimeSpan KeysReadableWithin = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FrontDoorServesWithin = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan CommandWithin = TimeSpan.FromMinutes(2);
    private static readonly Patience Probe = Patience.Quick(500);

    private string _folder = "";
    private Inventory _inventory = null!;
    private IPEndPoint _frontDoor = null!;
    private readonly KeySet _keys = new($"three-hosts:{DateTime.UtcNow:HHmmss}");
    private string _lastReadBack = "none yet";
    private readonly List<PlaybookResult> _results = [];
    private ChaosLab? _lab;

    [OneTimeSetUp]
    public async Task HostsUpAndDeploy()
    {
        _folder = Path.Combine(Repository.Root, LabStateLayout.LabsFolder, LabStateLayout.SwarmFolder, "three-hosts");
        await RepositoryCommand.RunAsync("dotnet", ["run", "--project", "AppHost", "-c", "Release", "--no-build", "--",
            "--inventory", Path.Combine(Repository.Root, "inventories", InventoryFile), "--publish", "swarm", "--output", _folder], CommandWithin);
        _inventory = InventoryLoader.Load(Path.Combine(_folder, "files", InventoryFile));
        _frontDoor = new IPEndPoint(IPAddress.Loopback, SwarmHostPorts.FrontDoorPort(_inventory));
        var clock = Stopwatch.StartNew();
        await RepositoryCommand.SwarmAsync(CommandWithin, "hosts", "up", _folder);
        var hostsUp = clock.Elapsed;
        await RepositoryCommand.SwarmAsync(TimeSpan.FromMinutes(6), "deploy", _folder);
        TestContext.Out.WriteLine($"three hosts up in {hostsUp.TotalSeconds:0.0} s, the stack deployed on them and serving {clock.Elapsed.TotalSeconds:0.0} s after the start");

        // Playbooks reach instances on their hosts' engines and aim faults at whole hosts.
        var addresses = new Dictionary<string, IPAddress>();
        foreach (var node in _inventory.Nodes)
        {
            addresses[node.Name] = await EngineAddressAsync(node.Name);
        }
        _lab = new ChaosLab(_inventory, password: null, LabSite.Hosts(_inventory, addresses));
    }

    [OneTimeTearDown]
    public async Task HostsDown()
    {
        _lab?.Dispose();
        if (_results.Count > 0)
        {
            // The same table as the other fixtures' (.lab/test-results/scenarios-three-hosts.md).
            var folder = Path.Combine(Repository.Root, LabStateLayout.LabsFolder, LabStateLayout.TestResultsFolder);
            Directory.CreateDirectory(folder);
            var table = PlaybookReport.Table(_results);
            await File.WriteAllTextAsync(Path.Combine(folder, "scenarios-three-hosts.md"), table);
            TestContext.Out.WriteLine(table);
        }
        // Whatever a failed test left: hosts down takes the stack with the engines.
        await RepositoryCommand.SwarmAsync(CommandWithin, "hosts", "down");
    }

    /// <summary>node22's host killed under a write load (<c>scenarios/three-hosts/kill-host-node22.yml</c>), then started again.</summary>
    [Test]
    [Order(1)]
    public async Task Node22_host_killed_with_both_masters_every_key_reads_back_through_the_front_door_within_30_s()
    {
        await using (var proxy = await ConnectionMultiplexer.ConnectAsync(LabConnections.ToProxy(_frontDoor, null, Patience.Quick(5_000))))
        {
            await _keys.WriteAsync(proxy.GetDatabase(), KeyCount);
        }
        var masters = await MastersAsync("node24");
        Assert.That(masters.Values.Select(m => m.Node.Name), Is.All.EqualTo("node22"), "the inventory's masters are all on node22 before the kill");

        await PlayAsync("kill-host-node22.yml");
        await AssertEveryKeyBackWithin(KeysReadableWithin, Stopwatch.StartNew(), "node22 killed and started again");
        await AssertConvergedOffAsync("node22", askingTheSentinelOn: "node24");
    }

    /// <summary>
    /// node22 back (its old masters as replicas), then node24, which now holds both masters, cut off from the other
    /// hosts and this machine while all on it runs (<c>scenarios/three-hosts/partition-host-node24-then-heal.yml</c>):
    /// the two Sentinels left fail both shards over to node22. Healed, the lab is protected again.
    /// </summary>
    [Test]
    [Order(2)]
    public async Task With_node22_back_node24_cut_off_every_key_reads_back_within_30_s_and_the_heal_protects_again()
    {
        await AssertProtectedAgainAsync("node22 back");
        var masters = await MastersAsync("node22");
        Assert.That(masters.Values.Select(m => m.Node.Name), Is.All.EqualTo("node24"), "both masters on node24 before it is cut off");

        await PlayAsync("partition-host-node24-then-heal.yml");
        await AssertConvergedOffAsync("node24", askingTheSentinelOn: "node22");
        await AssertProtectedAgainAsync("node24 healed");
        masters = await MastersAsync("node24");
        Assert.That(masters.Values.Select(m => m.Node.Name), Is.All.EqualTo("node22"), "the healed node24 took a shard back or sees another master than the others");
    }

    private async Task PlayAsync(string file)
    {
        var scenario = ScenarioLoader.Load(Path.Combine(AppContext.BaseDirectory, "Scenarios", "three-hosts", file), $"scenarios/three-hosts/{file}");
        ScenarioValidator.Validate(scenario, _inventory);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var result = await new PlaybookRunner(_lab!, new TextPlaybookProgress(TestContext.Out)).RunAsync(scenario, timeout.Token);
        _results.Add(result);
        Assert.That(result.Failure, Is.Null, $"{file} failed on three hosts");
    }

    [Test]
    [Order(3)]
    public async Task Node23_host_killed_the_front_door_serves_within_10_s()
    {
        // The balancers' checks have run since the heal; the front door serves before the loss.
        Assert.That(await WhenAsync(ServesAsync, TimeSpan.FromSeconds(30)), Is.Not.Null, "the front door does not serve before node23's loss");

        var clock = await KillHostAsync("node23");
        var serving = await WhenAsync(ServesAsync, TimeSpan.FromSeconds(60));
        TestContext.Out.WriteLine($"node23 killed: the front door served a SET and GET after {Seconds(serving, clock)}");
        if (serving is not { } served || served > FrontDoorServesWithin)
        {
            // Which hop held the client (this machine's front door, tcplog: the host chosen, the time to connect and
            // the bytes), for a run that went over the bound (twice, 17-18 s, against 0.0-0.5 s in most runs).
            TestContext.Out.WriteLine("the front door's last log lines:");
            await RepositoryCommand.RunAsync("docker", ["logs", "--tail", "40", "redis-ha-lab-front-door"], CommandWithin);
        }
        Assert.That(serving, Is.Not.Null.And.LessThanOrEqualTo(FrontDoorServesWithin), $"the front door did not serve within {FrontDoorServesWithin.TotalSeconds} s of node23's loss");
        // Every key too, once the balancers have taken node23's proxy out (their checks run every 200 ms).
        await AssertEveryKeyBackWithin(KeysReadableWithin, clock, "node23 killed");
    }

    private async Task AssertEveryKeyBackWithin(TimeSpan bound, Stopwatch clock, string what)
    {
        var readable = await WhenAsync(() => AllKeysReadAsync(), bound + TimeSpan.FromSeconds(30));
        TestContext.Out.WriteLine($"{what}: every one of {KeyCount} keys read back through the front door after {Seconds(readable, clock)}");
        Assert.That(readable, Is.Not.Null.And.LessThanOrEqualTo(bound), $"{what}: keys not all readable within {bound.TotalSeconds} s; last read: {_lastReadBack}");
    }

    /// <summary>
    /// The converged truth, not the proxy's word: each shard's master now (by the Sentinel on <paramref name="askingTheSentinelOn"/>)
    /// is off <paramref name="lost"/>, says it is one, and holds every key the front door acknowledged on it.
    /// </summary>
    private async Task AssertConvergedOffAsync(string lost, string askingTheSentinelOn)
    {
        var masters = await MastersAsync(askingTheSentinelOn);
        Assert.That(masters.Values.Select(m => m.Node.Name), Has.None.EqualTo(lost), $"a shard is still mastered on {lost}");
        var held = 0;
        foreach (var master in masters.Values)
        {
            await using var direct = await ConnectionMultiplexer.ConnectAsync(LabConnections.ToRedis(await AddressOfAsync(master), null, Patience.Quick(5_000), admin: true));
            Assert.That((await direct.GetDatabase().ExecuteAsync("ROLE"))[0].ToString(), Is.EqualTo("master"), $"{master.Name} does not say it is a master");
            held += await _keys.CountHeldAsync(direct.GetDatabase());
        }
        Assert.That(held, Is.EqualTo(KeyCount), "acknowledged keys missing from the shards' current masters");
    }

    /// <summary>
    /// Protected again before the next loss: each shard's master has a linked replica, and every Sentinel knows the
    /// other two (a returning host's Sentinel and Redis come back as its engine restarts their tasks).
    /// </summary>
    private async Task AssertProtectedAgainAsync(string what)
    {
        var after = await WhenAsync(ProtectedAsync, TimeSpan.FromMinutes(3));
        Assert.That(after, Is.Not.Null, $"{what}: no linked replica per shard and three acquainted Sentinels within 3 min; last seen: {_lastUnprotected}");
        TestContext.Out.WriteLine($"{what}: protected again after {after!.Value.TotalSeconds:0.0} s");
    }

    /// <summary>
    /// The run that must fail: g1's keys wiped on its current master (FLUSHALL, asked directly on its engine), and the
    /// same two checks must both see it: the front door's read-back never completes, and the masters hold fewer keys
    /// than were acknowledged. A check that passed here would not be reading the data.
    /// </summary>
    [Test]
    [Order(4)]
    public async Task Must_fail_with_g1s_keys_wiped_on_its_master_both_checks_see_it()
    {
        var masters = await MastersAsync("node24");
        var held = 0;
        foreach (var (shard, master) in masters)
        {
            await using var direct = await ConnectionMultiplexer.ConnectAsync(LabConnections.ToRedis(await AddressOfAsync(master), null, Patience.Quick(5_000), admin: true));
            if (shard.Name == "g1")
            {
                await direct.GetServers()[0].FlushAllDatabasesAsync();
            }
            held += await _keys.CountHeldAsync(direct.GetDatabase());
        }
        var readable = await WhenAsync(() => AllKeysReadAsync(), TimeSpan.FromSeconds(5));
        TestContext.Out.WriteLine($"g1 wiped: the masters hold {held} of {KeyCount} keys; the front door's read-back: {_lastReadBack}");
        Assert.Multiple(() =>
        {
            Assert.That(readable, Is.Null, "every key read back through the front door after g1's were wiped: the check does not read the data");
            Assert.That(held, Is.LessThan(KeyCount), "the masters hold every key after g1's were wiped: the count does not read the data");
        });
    }

    [Test]
    [Order(5)]
    public async Task Hosts_down_leaves_no_engine_network_or_volume()
    {
        await RepositoryCommand.SwarmAsync(CommandWithin, "hosts", "down");
        var containers = await RepositoryCommand.RunAsync("docker", ["ps", "-aq", "--filter", "label=redis-ha-lab.hosts=1"], CommandWithin);
        var volumes = await RepositoryCommand.RunAsync("docker", ["volume", "ls", "-q", "--filter", "label=redis-ha-lab.hosts=1"], CommandWithin);
        var networks = await RepositoryCommand.RunAsync("docker", ["network", "ls", "-q", "--filter", "label=redis-ha-lab.hosts=1"], CommandWithin);
        Assert.Multiple(() =>
        {
            Assert.That(containers.Trim(), Is.Empty, "containers of the hosts left");
            Assert.That(volumes.Trim(), Is.Empty, "volumes of the hosts left");
            Assert.That(networks.Trim(), Is.Empty, "the hosts' network left");
        });
    }

    private static async Task<Stopwatch> KillHostAsync(string node)
    {
        await RepositoryCommand.RunAsync("docker", ["kill", node], CommandWithin);
        return Stopwatch.StartNew();
    }

    private static string Seconds(TimeSpan? after, Stopwatch clock) =>
        after is { } t ? $"{t.TotalSeconds:0.0} s" : $"never (gave up after {clock.Elapsed.TotalSeconds:0} s)";

    /// <summary>Runs <paramref name="check"/> every 200 ms until it holds; how long that took, or null after <paramref name="limit"/>.</summary>
    private static async Task<TimeSpan?> WhenAsync(Func<Task<bool>> check, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (await check())
            {
                return clock.Elapsed;
            }
            await Task.Delay(200);
        }
        return null;
    }

    private async Task<bool> AllKeysReadAsync()
    {
        try
        {
            await using var proxy = await ConnectionMultiplexer.ConnectAsync(LabConnections.ToProxy(_frontDoor, null, Patience.Quick(2_000)));
            var back = await _keys.ReadBackAsync(proxy.GetDatabase());
            _lastReadBack = back.ToString();
            return back.Unreadable == 0;
        }
        catch (RedisException e)
        {
            _lastReadBack = e.Message;
            return false;
        }
    }

    /// <summary>A SET and a GET of a new key through a new connection to the front door.</summary>
    private async Task<bool> ServesAsync()
    {
        var key = $"three-hosts:probe:{Guid.NewGuid():N}";
        try
        {
            await using var proxy = await ConnectionMultiplexer.ConnectAsync(LabConnections.ToProxy(_frontDoor, null, Probe));
            var db = proxy.GetDatabase();
            return await db.StringSetAsync(key, key) && await db.StringGetAsync(key) == key;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Each shard's master by the Sentinel on <paramref name="node"/>, as an instance of the inventory.</summary>
    private async Task<IReadOnlyDictionary<Shard, RedisInstance>> MastersAsync(string node)
    {
        var sentinel = _inventory.Sentinels.Instances.Single(s => s.Node.Name == node);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(LabConnections.ToSentinel(
            new IPEndPoint(await EngineAddressAsync(node), SwarmHostPorts.Of(_inventory, sentinel.Name)), null, Patience.Quick(5_000)));
        var server = connection.GetServers()[0];
        var masters = new Dictionary<Shard, RedisInstance>();
        foreach (var shard in _inventory.Shards)
        {
            var reply = (RedisResult[])(await server.ExecuteAsync("SENTINEL", "get-master-addr-by-name", shard.SentinelMasterName))!;
            var host = reply[0].ToString();
            var port = int.Parse(reply[1].ToString(), CultureInfo.InvariantCulture);
            masters[shard] = shard.Replicas.Prepend(shard.Master).SingleOrDefault(i => i.Name == host && i.Port == port)
                             ?? throw new AssertionException($"the Sentinel on {node} names {host}:{port} as {shard.Name}'s master, no instance of that shard");
        }
        return masters;
    }

    /// <summary>Whether every shard's master has an online replica and every Sentinel knows the other two, by each Sentinel.</summary>
    /// <summary>Why <see cref="ProtectedAsync"/> last said no: what a timeout reports.</summary>
    private string? _lastUnprotected;

    private async Task<bool> ProtectedAsync()
    {
        _lastUnprotected = await UnprotectedBecauseAsync();
        return _lastUnprotected is null;
    }

    /// <summary>Null when every Sentinel sees each shard's master with a linked replica and knows the others; else the first reason not.</summary>
    private async Task<string?> UnprotectedBecauseAsync()
    {
        try
        {
            foreach (var sentinel in _inventory.Sentinels.Instances)
            {
                // A host just started again may not have its address on the engines' network yet: not protected yet.
                if (await TryEngineAddressAsync(sentinel.Node.Name) is not { } host)
                {
                    return $"host {sentinel.Node.Name} has no address on the engines' network yet";
                }
                await using var connection = await ConnectionMultiplexer.ConnectAsync(LabConnections.ToSentinel(
                    new IPEndPoint(host, SwarmHostPorts.Of(_inventory, sentinel.Name)), null, Probe));
                var server = connection.GetServers()[0];
                foreach (var shard in _inventory.Shards)
                {
                    var master = Fields(await server.ExecuteAsync("SENTINEL", "master", shard.SentinelMasterName));
                    if (master["flags"] != "master" || master["num-other-sentinels"] != $"{_inventory.Sentinels.Instances.Count - 1}")
                    {
                        return $"{sentinel.Name} sees {shard.Name}'s master {master["name"]} at {master["ip"]}:{master["port"]} flagged {master["flags"]}, knowing {master["num-other-sentinels"]} other Sentinels";
                    }
                    var replicas = ((RedisResult[])(await server.ExecuteAsync("SENTINEL", "replicas", shard.SentinelMasterName))!).Select(Fields).ToList();
                    if (!replicas.Any(r => r["flags"] == "slave" && r["master-link-status"] == "ok"))
                    {
                        return $"{sentinel.Name} sees no linked replica of {shard.Name}: {string.Join("; ", replicas.Select(r => $"{r["ip"]}:{r["port"]} {r["flags"]} link {r["master-link-status"]}"))}";
                    }
                }
            }
            return null;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return e.Message;
        }
    }

    private static Dictionary<string, string> Fields(RedisResult reply)
    {
        var items = (RedisResult[])reply!;
        var fields = new Dictionary<string, string>();
        for (var i = 0; i + 1 < items.Length; i += 2)
        {
            fields[items[i].ToString()] = items[i + 1].ToString();
        }
        return fields;
    }

    private async Task<IPEndPoint> AddressOfAsync(RedisInstance instance) =>
        new(await EngineAddressAsync(instance.Node.Name), SwarmHostPorts.Of(_inventory, instance.Name));

    /// <summary>A host's address on the engines' network (eng/swarm-hosts.sh): where its tasks' ports are published.</summary>
    private static async Task<IPAddress> EngineAddressAsync(string node) =>
        await TryEngineAddressAsync(node)
        ?? throw new AssertionException($"host {node} has no address on the engines' network; is its engine running?");

    /// <summary>A host's address on the engines' network, or null while it has none (its engine stopped, or just started).</summary>
    private static async Task<IPAddress?> TryEngineAddressAsync(string node)
    {
        var text = await RepositoryCommand.RunAsync("docker",
            ["inspect", "-f", "{{ (index .NetworkSettings.Networks \"redis-ha-lab-hosts\").IPAddress }}", node], CommandWithin, echo: false);
        return IPAddress.TryParse(text.Trim(), out var address) ? address : null;
    }
}
