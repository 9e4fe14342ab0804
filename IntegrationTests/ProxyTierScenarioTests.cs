using System.Net;
using RedisHaLab.Probes;

namespace RedisHaLab.IntegrationTests;

/// <summary>
/// The proxy tier's scenarios (<c>Scenarios/proxy-ha/*.yml</c>) on one shared lab of <c>post-2016-proxy-ha.yml</c>:
/// two proxies behind HAProxy on 127.0.0.1:14555, each with its own reconfig service. A proxy killed, frozen, lost
/// with its node, or stale after a failover it missed: every key stays readable through the front door.
/// </summary>
[TestFixture]
// Alone: HAProxy drops a proxy whose check (PING, then its reconfig service's "up") takes over 200 ms, by design, so a
// frozen proxy leaves as fast as a dead one. With a second lab on the two cores, checks of healthy proxies took 203 ms
// and the front door had no proxy left (measured: five of its six cases failed that way).
[NonParallelizable]
public class ProxyTierScenarioTests() : ScenarioFixture("post-2016-proxy-ha.yml", "scenarios-proxy-ha.md")
{
    private const string Folder = "proxy-ha";

    /// <summary>Every proxy-tier scenario file copied beside the tests, in name order.</summary>
    public static IEnumerable<TestCaseData> ScenarioFiles() =>
        Directory.EnumerateFiles(Path.Combine(ScenarioFolder, Folder), "*.yml")
            .Order(StringComparer.Ordinal)
            .Select(path => new TestCaseData($"{Folder}/{Path.GetFileName(path)}").SetArgDisplayNames(Path.GetFileNameWithoutExtension(path)));

    [TestCaseSource(nameof(ScenarioFiles))]
    public Task Proxy_tier_scenario(string file) => RunScenarioAsync(file);

    // First, on the lab as it just became ready: HAProxy starts only once every reconfig service says its proxy is
    // protected, so the front door, once it answers, keeps answering (it used to answer, refuse, then answer again as
    // the readiness checks came up: 10,000 SETs acknowledged 0, then 3,073, then 10,000 times).
    [Test, Order(0)]
    public async Task Once_the_front_door_answers_it_keeps_answering_for_the_first_minute()
    {
        await using var client = await ConnectProxyAsync(FrontDoor);
        var database = client.GetDatabase();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int sent = 0, refused = 0;
        string? firstProblem = null;
        while (clock.Elapsed < TimeSpan.FromMinutes(1))
        {
            try
            {
                await database.StringSetAsync($"redis-ha-lab:first-minute:{sent}", sent);
            }
            catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
            {
                refused++;
                firstProblem ??= $"{clock.Elapsed.TotalSeconds:0.0} s in: {e.Message}";
            }
            sent++;
            await Task.Delay(10);
        }
        TestContext.Out.WriteLine($"{sent} writes in the first minute, {refused} refused");
        Assert.That(refused, Is.Zero, $"{refused} of {sent} writes refused; first: {firstProblem}");
    }

    [Test]
    public async Task The_front_door_is_HAProxy_s_with_both_proxies_in_rotation_and_its_stats_page_on_loopback()
    {
        await ResetOrRestartAsync();
        var balancer = Inventory.LoadBalancer!;

        Assert.That(await App.GetConnectionStringAsync(balancer.Name), Does.StartWith($"{FrontDoor},proxy=Twemproxy"));
        var states = await LoadBalancerStats.ReadAsync(balancer, CancellationToken.None);
        Assert.That(states.Select(s => (s.Proxy, s.InRotation)), Is.EquivalentTo(Inventory.Proxies.Select(p => (p.Name, true))));
        // Each proxy listens on its node's address only: the front door is HAProxy's.
        foreach (var proxy in Inventory.Proxies)
        {
            await using var direct = await ConnectProxyAsync(LabEndpoints.Of(proxy));
            Assert.That((string?)await direct.GetDatabase().ExecuteAsync("PING"), Is.EqualTo("PONG"), proxy.Name);
        }
        var masters = await Lab.Masters.RequireAllAsync(Inventory);
        Assert.That(await FrontDoorSpread.ProblemAsync(FrontDoor, masters, connections: 10, LabEndpoints.Aspire, Password), Is.Null);
        using var http = new HttpClient();
        Assert.That((await http.GetAsync(LabEndpoints.StatsPage(balancer))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
