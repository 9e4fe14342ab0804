using System.Net;
using Aspire.Hosting;
using RedisHaLab.Clients;
using RedisHaLab.Harness;
using RedisHaLab.Probes;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.IntegrationTests;

/// <summary>
/// Starts the real lab of one inventory through the AppHost and the harness (<see cref="LabLaunch"/>, <see cref="LabRun"/>),
/// once per fixture, and waits until it is protected: every container healthy. Tests reach the lab only through the loopback ports the inventory names. Each fixture's lab has an index of
/// its own (<see cref="LabIndexes"/>, <c>--lab-index</c>), so fixtures run side by side on this machine.
/// </summary>
public abstract class LabFixture(string inventoryFile)
{
    /// <summary>Cold start builds the twemproxy image from source, so allow it minutes, bounded.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(8);

    private LabRun? _run;

    /// <summary>The running lab (<see cref="LabRun"/>: started, reset and stopped as <c>--play</c> and the benchmark do it).</summary>
    private LabRun Run => _run ?? throw new InvalidOperationException($"the lab of {InventoryFile} is not running");

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

    [OneTimeSetUp]
    public async Task StartLab()
    {
        LabIndex = LabIndexes.Take();
        var plan = LabPlan.For(Path.Combine(Repository.Root, "inventories", InventoryFile), LabIndex);
        Inventory = plan.Inventory;
        Password = plan.Password;
        await LabIndexes.FirstStart.RunAsync(async () =>
        {
            try
            {
                _run = await LabLaunch.StartAsync<Projects.AppHost>(plan, StartTimeout, quietLogs: false, CancellationToken.None);
            }
            catch (LabStartException e)
            {
                // A part that stopped on its way up fails the fixture's set-up, not what its tests prove: the stopped
                // start is gone (LabLaunch removes it), so start once more, saying why in the log. A second failure
                // fails the fixture with its own reason.
                await TestContext.Progress.WriteLineAsync($"{InventoryFile} at lab index {LabIndex}: {e.Message}; starting it once more");
                _run = await LabLaunch.StartAsync<Projects.AppHost>(plan, StartTimeout, quietLogs: false, CancellationToken.None);
            }
        });
    }

    [OneTimeTearDown]
    public async Task StopLab()
    {
        if (_run is not null)
        {
            await _run.StopAsync();
            _run = null;
        }
        if (LabIndex != 0)
        {
            LabIndexes.Return(LabIndex);
            LabIndex = 0;
        }
    }

    /// <summary>Stops the running lab and starts a fresh one of <paramref name="inventory"/> (a file under inventories/).</summary>
    protected async Task RestartLabAsync(string inventory)
    {
        await StopLab();
        InventoryFile = inventory;
        await StartLab();
    }

    /// <summary>Puts the running lab back to its inventory's state (<see cref="LabRun.ResetAsync"/>); returns what it undid.</summary>
    protected Task<IReadOnlyList<string>> ResetLabAsync(TimeSpan within) => Run.ResetAsync(within, CancellationToken.None);

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
