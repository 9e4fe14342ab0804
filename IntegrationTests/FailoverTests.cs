using Aspire.Hosting.ApplicationModel;
using Docker.DotNet;
using Docker.DotNet.Models;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.IntegrationTests;

/// <summary>
/// The post's failover, for real: a master container is killed, Sentinel promotes its replica, the reconfig
/// service points twemproxy at it, and every key stays reachable through port 14555. The tests share one lab
/// and run in order, each leaving the shards it did not kill intact.
/// </summary>
[TestFixture]
public class FailoverTests() : LabFixture("post-2016.yml")
{
    private static readonly TimeSpan FailoverWithin = TimeSpan.FromSeconds(30);

    private readonly DockerClient _docker = new DockerClientConfiguration().CreateClient();

    [OneTimeTearDown]
    public void DisposeDocker() => _docker.Dispose();

    [Test, Order(1)]
    public async Task Restarting_the_reconfig_service_without_a_failover_leaves_the_proxy_alone()
    {
        await App.ResourceNotifications.WaitForResourceAsync("reconfig", KnownResourceStates.Running);
        var configBefore = await File.ReadAllTextAsync(ProxyConfigPath);
        var restartsBefore = await ProxyRestartCountAsync();

        var result = await App.ResourceCommands.ExecuteCommandAsync("reconfig", KnownResourceCommands.RestartCommand);
        Assert.That(result.Success, Is.True, result.Message);
        await App.ResourceNotifications.WaitForResourceAsync("reconfig", KnownResourceStates.Running);
        // Long enough for its start-up reconcile and one periodic one (every 5 s).
        await Task.Delay(TimeSpan.FromSeconds(8));

        Assert.That(await File.ReadAllTextAsync(ProxyConfigPath), Is.EqualTo(configBefore));
        Assert.That(await ProxyRestartCountAsync(), Is.EqualTo(restartsBefore), "nutcracker restarts");
    }

    [Test, Order(2)]
    public async Task The_posts_keys_stay_reachable_through_14555_after_the_g2_master_is_killed()
    {
        var g2 = Inventory.Shards.Single(s => s.Name == "g2");
        await using var proxy = await ConnectResilientProxyAsync();
        var db = proxy.GetDatabase();
        await db.StringSetAsync("huang", "dc");
        await db.StringSetAsync("huangggggggggggggggggggggggggg", "dccccccccccccccccccccccccccccccccccccc");
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
            catch (RedisException e)
            {
                return e.Message;
            }
        }, FailoverWithin, "both keys readable and writes accepted through 14555");

        var servers = NutcrackerConfig.Parse(await File.ReadAllTextAsync(ProxyConfigPath)).Servers(Inventory.Proxy.Pool);
        Assert.That(servers.Select(s => s.ToString()), Is.EqualTo(new[]
        {
            "node22-redis-4500:4500:1 g1",
            $"{g2.Replicas[0].Name}:{g2.Replicas[0].Port}:1 g2",
        }), "the proxy config names g2's new master and leaves g1 alone");
    }

    [Test, Order(3)]
    public async Task Thousands_of_keys_across_both_shards_are_all_readable_after_the_g1_master_is_killed()
    {
        var g1 = Inventory.Shards.Single(s => s.Name == "g1");
        await using var proxy = await ConnectResilientProxyAsync();
        var db = proxy.GetDatabase();
        var keys = Enumerable.Range(0, 5000).Select(i => $"many:{i}:{Guid.NewGuid():N}").ToList();
        await Task.WhenAll(keys.Select(k => db.StringSetAsync(k, k)));
        await ReplicasCaughtUpAsync(g1);

        await KillAsync(g1.Master);

        var newMaster = $"{g1.Replicas[0].Name}:{g1.Replicas[0].Port}:1 g1";
        await Eventually(async () =>
        {
            var servers = NutcrackerConfig.Parse(await File.ReadAllTextAsync(ProxyConfigPath)).Servers(Inventory.Proxy.Pool);
            return servers.Any(s => s.ToString() == newMaster) ? null : "proxy config still names the old g1 master";
        }, FailoverWithin, "the proxy config follows g1's failover");
        await Eventually(async () =>
        {
            try
            {
                var values = await Task.WhenAll(keys.Select(k => db.StringGetAsync(k)));
                var missing = keys.Where((k, i) => values[i] != k).Count();
                return missing == 0 ? null : $"{missing} of {keys.Count} keys unreadable";
            }
            catch (RedisException e)
            {
                return e.Message;
            }
        }, FailoverWithin, "every key readable through 14555");
    }

    private string ProxyConfigPath => Path.Combine(Repository.Root, ".lab", "post-2016", Inventory.Proxy.Name, "conf", Inventory.Proxy.ConfigFileName);

    /// <summary>A client that rides out the proxy's restart: it reconnects instead of failing at connect time.</summary>
    private Task<ConnectionMultiplexer> ConnectResilientProxyAsync() =>
        ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { FrontDoor },
            Proxy = Proxy.Twemproxy,
            AbortOnConnectFail = false,
            ConnectTimeout = 2000,
            AsyncTimeout = 2000,
            ReconnectRetryPolicy = new LinearRetry(100),
        });

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

    /// <summary>How many times the proxy container's supervisor has restarted nutcracker.</summary>
    private async Task<int> ProxyRestartCountAsync()
    {
        using var logs = await _docker.Containers.GetContainerLogsAsync(Inventory.Proxy.Name, tty: false,
            new ContainerLogsParameters { ShowStdout = true, ShowStderr = true });
        var (stdout, stderr) = await logs.ReadOutputToEndAsync(CancellationToken.None);
        return (stdout + stderr).Split('\n').Count(l => l.Contains("nutcracker restarted"));
    }
}
