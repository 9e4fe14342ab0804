using System.Net;
using Aspire.Hosting;
using RedisHaLab.Clients;
using RedisHaLab.Harness;
using RedisHaLab.Probes;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.IntegrationTests;

/// <summary>
/// Holds the real lab of one inventory, started through the AppHost and the harness (<see cref="LabLaunch"/>,
/// <see cref="LabRun"/>) and protected (every container healthy) or, when a fixture of the same inventory ran before,
/// that lab reset to its inventory's state (<see cref="LabPool"/>). Tests reach the lab only through the loopback ports
/// the inventory names. Each lab has an index of its own (<see cref="LabIndexes"/>, <c>--lab-index</c>), so fixtures
/// run side by side on this machine.
/// </summary>
public abstract class LabFixture(string inventoryFile)
{
    private PooledLab? _lab;

    /// <summary>The running lab (<see cref="LabRun"/>: started, reset and stopped as <c>--play</c> and the benchmark do it).</summary>
    private LabRun Run => _lab?.Run ?? throw new InvalidOperationException($"the lab of {InventoryFile} is not running");

    protected DistributedApplication App => Run.App;

    protected Inventory Inventory { get; private set; } = null!;

    /// <summary>
    /// The password the running lab was started with when its inventory turns authentication on (a new random one at
    /// every start, handed to the AppHost as its <c>redis-password</c> parameter); null otherwise.
    /// </summary>
    protected string? Password { get; private set; }

    /// <summary>Which lab of those side by side this fixture runs (<see cref="LabPlacement"/>); 0 while it holds none.</summary>
    protected int LabIndex { get; private set; }

    /// <summary>The inventory file (under inventories/) of the lab running now.</summary>
    protected string InventoryFile { get; private set; } = inventoryFile;

    /// <summary>The inventory file the fixture was made for, before any test switched it (<see cref="LabPool"/> counts them).</summary>
    internal string HomeInventoryFile { get; } = inventoryFile;

    /// <summary>
    /// Takes a lab of the fixture's inventory from the <see cref="LabPool"/>: one a fixture before it left, reset to the
    /// inventory's state, or a fresh one on a lab index of its own.
    /// </summary>
    [OneTimeSetUp]
    public async Task StartLab() =>
        Hold(await LabPool.TakeAsync(InventoryFile, alone: GetType().IsDefined(typeof(NonParallelizableAttribute), inherit: true)));

    /// <summary>Gives the lab back to the pool, which keeps it for a later fixture of its inventory or stops it.</summary>
    [OneTimeTearDown]
    public async Task StopLab()
    {
        if (_lab is { } lab)
        {
            Hold(null);
            await LabPool.GiveBackAsync(lab);
        }
    }

    /// <summary>
    /// After a failed test, the engine's report of every container of the lab (state, restarts, last lines) and each
    /// Sentinel's view of each shard (the master it names, its flags, how many other Sentinels it knows) in the test's
    /// output: what a front door that stopped answering, or a Sentinel that never promoted, was doing, before the next
    /// test's reset or the lab's stop changes it.
    /// </summary>
    [TearDown]
    public async Task ReportContainersOfAFailedTest()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status != NUnit.Framework.Interfaces.TestStatus.Failed || _lab is null)
        {
            return;
        }
        using var engine = new DockerContainerList();
        foreach (var name in ContainerNames)
        {
            await TestContext.Out.WriteLineAsync($"after the failure, {name}: {await engine.ReportOrReasonAsync(name, FailureReportLines, TimeSpan.FromSeconds(10))}");
        }
        foreach (var sentinel in Inventory.Sentinels.Instances)
        {
            await TestContext.Out.WriteLineAsync($"after the failure, {sentinel.Name} says: {await SentinelViewAsync(sentinel)}");
        }
    }

    private static readonly string[] SentinelViewFields = ["ip", "port", "flags", "num-other-sentinels", "num-slaves", "config-epoch", "last-ok-ping-reply", "failover-state"];

    /// <summary>What one Sentinel says of every shard, in one line; a Sentinel that does not answer within 5 s says so.</summary>
    private async Task<string> SentinelViewAsync(SentinelInstance sentinel)
    {
        var endpoint = EndpointOf(sentinel);
        try
        {
            await using var connection = await ConnectSentinelAsync(endpoint).WaitAsync(TimeSpan.FromSeconds(5));
            var views = new List<string>();
            foreach (var shard in Inventory.Shards)
            {
                try
                {
                    var fields = (await connection.GetServer(endpoint).SentinelMasterAsync(shard.SentinelMasterName).WaitAsync(TimeSpan.FromSeconds(5)))
                        .ToDictionary(p => p.Key, p => p.Value);
                    views.Add($"{shard.Name}: {string.Join(", ", SentinelViewFields.Where(fields.ContainsKey).Select(f => $"{f}={fields[f]}"))}");
                }
                catch (RedisServerException e)
                {
                    // It answered, with an error: a shard it no longer monitors (a test told it to forget one), say.
                    views.Add($"{shard.Name}: {e.Message}");
                }
            }
            return string.Join("; ", views);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return $"no answer ({e.Message})";
        }
    }

    private const int FailureReportLines = 15;

    /// <summary>
    /// Gives back (or, when <paramref name="broken"/>, stops) the running lab and takes one of <paramref name="inventory"/>
    /// (a file under inventories/); a broken lab's replacement is a fresh start unless the pool holds a lab that resets.
    /// </summary>
    protected async Task RestartLabAsync(string inventory, bool broken)
    {
        if (_lab is { } lab)
        {
            Hold(null);
            await (broken ? LabPool.DiscardAsync(lab) : LabPool.GiveBackAsync(lab));
        }
        InventoryFile = inventory;
        await StartLab();
    }

    /// <summary>Puts the running lab back to its inventory's state (<see cref="LabRun.ResetAsync"/>); returns what it undid.</summary>
    protected Task<IReadOnlyList<string>> ResetLabAsync(TimeSpan within) => Run.ResetAsync(within, CancellationToken.None);

    private void Hold(PooledLab? lab)
    {
        _lab = lab;
        if (lab is not null)
        {
            Inventory = lab.Plan.Inventory;
            Password = lab.Plan.Password;
            LabIndex = lab.Plan.LabIndex;
        }
        else
        {
            LabIndex = 0;
        }
    }

    /// <summary>Host path of the proxy's config file, the one the reconfig service rewrites.</summary>
    protected string ProxyConfigFile =>
        new LabStateLayout(Repository.Root, Inventory).ProxyConfigFile;

    /// <summary>Every container of the inventory, by resource name, the reconfig service beside the proxy included.</summary>
    protected IEnumerable<string> ContainerNames => Inventory.ContainerNames;

    /// <summary>The lab's front door: the proxy on 127.0.0.1 (or the inventory's front_door address).</summary>
    protected IPEndPoint FrontDoor => LabEndpoints.Aspire.FrontDoor(Inventory);

    protected static IPEndPoint EndpointOf(RedisInstance instance) => LabEndpoints.Aspire.Of(instance);

    protected static IPEndPoint EndpointOf(SentinelInstance sentinel) => LabEndpoints.Aspire.Of(sentinel);

    // Each with the running lab's password (none when it has no authentication).

    // The tests' own connections: 5 s to connect, the client's default for commands; a connect that fails, fails the test.
    private static readonly Patience TestPatience = new() { ConnectMilliseconds = 5000 };

    protected Task<ConnectionMultiplexer> ConnectProxyAsync(IPEndPoint endpoint) =>
        ConnectionMultiplexer.ConnectAsync(LabConnections.ToProxy(endpoint, Password, TestPatience));

    protected Task<ConnectionMultiplexer> ConnectRedisAsync(IPEndPoint endpoint) =>
        ConnectionMultiplexer.ConnectAsync(LabConnections.ToRedis(endpoint, Password, TestPatience, admin: true));

    protected Task<ConnectionMultiplexer> ConnectSentinelAsync(IPEndPoint endpoint) =>
        ConnectionMultiplexer.ConnectAsync(LabConnections.ToSentinel(endpoint, Password, TestPatience));

    /// <summary>One section of INFO as a dictionary.</summary>
    protected async Task<Dictionary<string, string>> InfoAsync(IPEndPoint endpoint, string section)
    {
        await using var redis = await ConnectRedisAsync(endpoint);
        var info = await redis.GetServer(endpoint).InfoAsync(section);
        return info.SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
    }

    /// <summary>Polls <paramref name="check"/> until it returns null (success) or the bounded time runs out; fails with its last answer.</summary>
    protected static async Task Eventually(Func<Task<string?>> check, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        string? problem;
        while ((problem = await check()) is not null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }
        Assert.That(problem, Is.Null, $"{what} within {within.TotalSeconds:0} s");
    }
}

/// <summary>The repository root (<see cref="LabRepository"/>), found from the test's output folder.</summary>
internal static class Repository
{
    public static string Root { get; } = LabRepository.Find(TestContext.CurrentContext.TestDirectory)
                                         ?? throw new InvalidOperationException($"{LabRepository.SolutionFile} not found above the test folder");
}
