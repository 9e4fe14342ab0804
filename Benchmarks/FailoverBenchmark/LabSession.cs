using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using RedisHaLab.Clients;
using RedisHaLab.Harness;
using RedisHaLab.Probes;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.FailoverBenchmark;

/// <summary>
/// One running lab of one inventory, started, and stopped, by the harness as the integration tests start theirs
/// (<see cref="LabLaunch"/>, <see cref="LabRun"/>), and the ways the benchmark touches it: Redis, Sentinel and the proxy
/// through their loopback ports, containers through Docker.
/// </summary>
internal sealed class LabSession : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(8);

    private const string ClientName = "redis-ha-lab-benchmark";

    // Short-lived connections: two connect attempts of 2 s, then the call fails; 10 s a command on Redis and the proxy
    // (the whole key set is written and read through them), 5 s on a Sentinel.
    private static readonly Patience Setup = new() { ConnectMilliseconds = 2000, CommandMilliseconds = 10_000, ConnectRetry = 1 };
    private static readonly Patience SentinelSetup = Setup with { CommandMilliseconds = 5000 };

    private readonly LabRun _run;
    private readonly DockerClient _docker = new DockerClientConfiguration().CreateClient();

    private LabSession(LabRun run, string? password)
    {
        _run = run;
        Password = password;
    }

    /// <summary>The lab's inventory.</summary>
    public Inventory Inventory => _run.Inventory;

    /// <summary>
    /// The password the lab was started with when its inventory turns authentication on (a new random one per lab,
    /// handed to the AppHost as its <c>redis-password</c> parameter); null otherwise. Every connection logs in with it.
    /// </summary>
    public string? Password { get; }

    /// <summary>The lab's front door, 127.0.0.1:14555 (the proxy's, or the load balancer's in front of several).</summary>
    public IPEndPoint FrontDoor => LabEndpoints.Aspire.FrontDoor(Inventory);

    /// <summary>
    /// Starts the AppHost with <paramref name="inventoryPath"/> at <paramref name="labIndex"/> (0: the benchmark runs
    /// alone, on the inventory's own addresses), waits until it is protected and the reconfig service listens.
    /// </summary>
    public static async Task<LabSession> StartAsync(string inventoryPath, CancellationToken cancellationToken, int labIndex = 0)
    {
        var plan = LabPlan.For(inventoryPath, labIndex);
        // Quiet: the lab's own chatter would bury the progress lines.
        var run = await LabLaunch.StartAsync<Projects.AppHost>(plan, StartTimeout, quietLogs: true, cancellationToken);
        var session = new LabSession(run, plan.Password);
        try
        {
            await session.WaitForReconfigSubscriptionAsync(cancellationToken);
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
        return session;
    }

    /// <summary>Where an instance listens on its node's loopback address.</summary>
    public static IPEndPoint EndpointOf(RedisInstance instance) => new(instance.Node.Address, instance.Port);

    /// <summary>Where a Sentinel listens on its node's loopback address.</summary>
    public static IPEndPoint EndpointOf(SentinelInstance sentinel) => new(sentinel.Node.Address, sentinel.Port);

    /// <summary>The instance Sentinel names by container name and port.</summary>
    public RedisInstance? InstanceAt(string host, int port) =>
        Inventory.RedisInstances.FirstOrDefault(i => string.Equals(i.Name, host, StringComparison.OrdinalIgnoreCase) && i.Port == port);

    /// <summary>Short-lived connection to a Redis instance (not the proxy).</summary>
    public Task<ConnectionMultiplexer> ConnectRedisAsync(IPEndPoint endpoint) =>
        ConnectionMultiplexer.ConnectAsync(LabConnections.ToRedis(endpoint, Password, Setup, ClientName, admin: true));

    /// <summary>Short-lived connection to the proxy, for writing and reading the whole key set (not for the measured load).</summary>
    public Task<ConnectionMultiplexer> ConnectProxyAsync() =>
        ConnectionMultiplexer.ConnectAsync(LabConnections.ToProxy(FrontDoor, Password, Setup, ClientName));

    /// <summary>Connection to a Sentinel.</summary>
    public Task<ConnectionMultiplexer> ConnectSentinelAsync(IPEndPoint endpoint) =>
        ConnectionMultiplexer.ConnectAsync(LabConnections.ToSentinel(endpoint, Password, SentinelSetup, ClientName));

    /// <summary>One INFO section of an instance, as key/value pairs; null when it does not answer.</summary>
    public async Task<Dictionary<string, string>?> InfoAsync(RedisInstance instance, string section)
    {
        try
        {
            await using var redis = await ConnectRedisAsync(EndpointOf(instance));
            var info = await redis.GetServer(EndpointOf(instance)).InfoAsync(section);
            return info.SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return null;
        }
    }

    /// <summary>The master of <paramref name="shard"/> by the lab's one rule (<see cref="ShardMasters"/>), or null when it settles nothing.</summary>
    public async Task<RedisInstance?> CurrentMasterAsync(Shard shard) =>
        (await new ShardMasters(new SentinelView(Inventory, Password, LabEndpoints.Aspire)).OfAsync(shard)).Instance;

    /// <summary>
    /// Null when <paramref name="shard"/> is whole: every Sentinel names <paramref name="master"/> and flags none of its
    /// replicas, the master has every replica connected, and each replica's link is up with the master's offset.
    /// Otherwise what is not yet so.
    /// </summary>
    public async Task<string?> ShardProblemAsync(Shard shard, RedisInstance master)
    {
        var members = shard.Replicas.Prepend(shard.Master).ToList();
        var replicas = members.Where(m => m != master).ToList();
        var masterInfo = await InfoAsync(master, "replication");
        if (masterInfo is null || masterInfo.GetValueOrDefault("role") != "master")
        {
            return $"{master.Name} is not answering as master";
        }
        if (masterInfo.GetValueOrDefault("connected_slaves") != replicas.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            return $"{master.Name} has {masterInfo.GetValueOrDefault("connected_slaves")} replicas connected, not {replicas.Count}";
        }
        foreach (var replica in replicas)
        {
            var info = await InfoAsync(replica, "replication");
            if (info is null || info.GetValueOrDefault("role") != "slave" || info.GetValueOrDefault("master_link_status") != "up" ||
                !string.Equals(info.GetValueOrDefault("master_host"), master.Name, StringComparison.OrdinalIgnoreCase))
            {
                return $"{replica.Name} is not yet a replica of {master.Name} with its link up";
            }
            if (info.GetValueOrDefault("slave_repl_offset") != masterInfo.GetValueOrDefault("master_repl_offset"))
            {
                // Re-read the master: it moves on by itself (pings to replicas).
                var again = await InfoAsync(master, "replication");
                if (info.GetValueOrDefault("slave_repl_offset") != again?.GetValueOrDefault("master_repl_offset") &&
                    Math.Abs(Offset(info, "slave_repl_offset") - Offset(again, "master_repl_offset")) > 64)
                {
                    return $"{replica.Name} at offset {info.GetValueOrDefault("slave_repl_offset")}, master at {again?.GetValueOrDefault("master_repl_offset")}";
                }
            }
        }
        foreach (var sentinel in Inventory.Sentinels.Instances)
        {
            try
            {
                await using var connection = await ConnectSentinelAsync(EndpointOf(sentinel));
                var server = connection.GetServer(EndpointOf(sentinel));
                var named = await server.SentinelGetMasterAddressByNameAsync(shard.SentinelMasterName);
                if (named is not DnsEndPoint dns || !string.Equals(dns.Host, master.Name, StringComparison.OrdinalIgnoreCase))
                {
                    return $"{sentinel.Name} names {named} as master of {shard.Name}";
                }
                var flagged = (await server.SentinelReplicasAsync(shard.SentinelMasterName))
                    .Select(r => r.ToDictionary(p => p.Key, p => p.Value))
                    .Where(r => r.GetValueOrDefault("flags") != "slave")
                    .Select(r => $"{r.GetValueOrDefault("name")} [{r.GetValueOrDefault("flags")}]")
                    .ToList();
                if (flagged.Count > 0)
                {
                    return $"{sentinel.Name} still flags {string.Join(", ", flagged)}";
                }
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                return $"{sentinel.Name} does not answer ({e.Message})";
            }
        }
        return null;
    }

    private static long Offset(Dictionary<string, string>? info, string key) =>
        long.TryParse(info?.GetValueOrDefault(key), out var value) ? value : long.MinValue / 2;

    /// <summary>The post's <c>kill</c> of a master: SIGKILL to its container.</summary>
    public Task KillAsync(RedisInstance instance, CancellationToken cancellationToken) =>
        _docker.Containers.KillContainerAsync(instance.Name, new ContainerKillParameters { Signal = "KILL" }, cancellationToken);

    /// <summary>Starts a killed instance's container again, with its config and data folder as they are.</summary>
    public Task StartAsync(RedisInstance instance, CancellationToken cancellationToken) =>
        _docker.Containers.StartContainerAsync(instance.Name, new ContainerStartParameters(), cancellationToken);

    /// <summary>
    /// Waits until the reconfig service is subscribed on the Sentinel of the proxy's node (every mode listens there),
    /// so a kill is never made before anybody listens for its failover.
    /// </summary>
    private async Task WaitForReconfigSubscriptionAsync(CancellationToken cancellationToken)
    {
        var sentinel = Inventory.Sentinels.Instances.FirstOrDefault(s => s.Node == Inventory.Proxy.Node) ?? Inventory.Sentinels.Instances[0];
        for (var attempt = 0; attempt < 120; attempt++)
        {
            try
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(TimeSpan.FromSeconds(2));
                using var connection = await RespConnection.ConnectAsync(EndpointOf(sentinel), Password, wait.Token);
                var clients = await connection.ExecuteAsync(RespConnection.Encode("CLIENT", "LIST"), wait.Token);
                // The service's client name is not set on Sentinel connections (no CLIENT SETNAME in Sentinel's
                // command map), but before the benchmark subscribes it is the only subscriber a Sentinel has.
                if ((clients.Text ?? "").Split('\n').Any(c => c.Contains(" cmd=subscribe") || (c.Contains(" sub=") && !c.Contains(" sub=0 "))))
                {
                    return;
                }
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Not yet.
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
        throw new TimeoutException($"the reconfig service did not subscribe on {sentinel.Name} within 30 s");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            // Stop, then wait until the containers are gone: the next profile reuses their names.
            await _run.StopAsync();
        }
        finally
        {
            _docker.Dispose();
        }
    }
}
