using System.Net;
using RedisHaLab.Chaos;

namespace RedisHaLab.IntegrationTests;

/// <summary>
/// The proxy tier's scenarios (<c>Scenarios/proxy-ha/*.yml</c>) on one shared lab of <c>post-2016-proxy-ha.yml</c>:
/// two proxies behind HAProxy on 127.0.0.1:14555, each with its own reconfig service. A proxy killed, frozen, lost
/// with its node, or stale after a failover it missed: every key stays readable through the front door.
/// </summary>
[TestFixture]
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
        Assert.That(await FrontDoorSpread.ProblemAsync(FrontDoor, masters, connections: 10, Password), Is.Null);
        using var http = new HttpClient();
        Assert.That((await http.GetAsync(LabEndpoints.StatsPage(balancer))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
