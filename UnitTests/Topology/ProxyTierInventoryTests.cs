using System.Net;
using RedisHaLab.Faults;
using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.UnitTests.Topology;

/// <summary>Several proxies from the inventory (<c>twemproxy.nodes</c>) and the load balancer in front of them.</summary>
public class ProxyTierInventoryTests
{
    private static string ProxyHaPath => Path.Combine(TestContext.CurrentContext.TestDirectory, "inventories", "post-2016-proxy-ha.yml");

    private static string ProxyHaText => File.ReadAllText(ProxyHaPath);

    [Test]
    public void The_proxy_ha_inventory_runs_a_proxy_on_node23_and_node24_behind_haproxy_on_the_front_door()
    {
        var inventory = InventoryLoader.Load(ProxyHaPath);

        Assert.That(inventory.Proxies.Select(p => (p.Name, p.ReconfigName, LabEndpoints.Of(p).ToString(), p.FrontDoorAddress)), Is.EqualTo(new[]
        {
            ("node23-twemproxy", "node23-reconfig", "127.0.0.23:14555", (IPAddress?)null),
            ("node24-twemproxy", "node24-reconfig", "127.0.0.24:14555", null),
        }));
        Assert.That(inventory.LoadBalancer, Is.EqualTo(new LoadBalancer(IPAddress.Loopback, 14555, 18404, 14556, 200, 2, 2)));
        Assert.That(LabEndpoints.Aspire.FrontDoor(inventory).ToString(), Is.EqualTo("127.0.0.1:14555"));
        Assert.That(inventory.ContainerNames, Is.SupersetOf(new[] { "node23-twemproxy", "node23-reconfig", "node24-twemproxy", "node24-reconfig", "haproxy" }));
    }

    [Test]
    public void The_proxy_ha_inventory_is_the_post_s_lab_but_for_the_proxy_tier()
    {
        var post = InventoryLoader.Load(InventoryFiles.PostPath);
        var ha = InventoryLoader.Load(ProxyHaPath);

        Assert.That(ha.Nodes, Is.EqualTo(post.Nodes));
        Assert.That(ha.RedisInstances, Is.EqualTo(post.RedisInstances));
        Assert.That(ha.Shards.Select(s => s.SentinelMasterName), Is.EqualTo(post.Shards.Select(s => s.SentinelMasterName)));
        Assert.That(ha.Sentinels with { Instances = post.Sentinels.Instances }, Is.EqualTo(post.Sentinels));
        Assert.That(ha.Sentinels.Instances, Is.EqualTo(post.Sentinels.Instances));
        Assert.That(ha.RedisSettings, Is.EqualTo(post.RedisSettings));
        Assert.That(ha.Proxy with { FrontDoorAddress = post.Proxy.FrontDoorAddress }, Is.EqualTo(post.Proxy), "same pool settings");
    }

    [Test]
    public void The_default_inventory_keeps_one_proxy_on_node23_at_the_front_door_and_no_load_balancer()
    {
        var post = InventoryLoader.Load(InventoryFiles.PostPath);

        Assert.That(post.Proxies.Select(p => p.Name), Is.EqualTo(new[] { "node23-twemproxy" }));
        Assert.That(post.LoadBalancer, Is.Null);
        Assert.That(LabEndpoints.Aspire.FrontDoor(post).ToString(), Is.EqualTo("127.0.0.1:14555"));
    }

    [Test]
    public void Nodes_with_one_item_and_no_load_balancer_is_the_single_proxy_of_node()
    {
        var yaml = InventoryFiles.PostWith("  node: node23\n", "  nodes: [node23]\n");

        Assert.That(InventoryLoader.Parse(yaml, "ok.yml").Proxies, Is.EqualTo(InventoryLoader.Load(InventoryFiles.PostPath).Proxies));
    }

    [TestCase("[node23, node25]", "node25", "twemproxy names unknown node 'node25'", "use one of: node22, node23, node24")]
    [TestCase("[node23, node23]", "node23]", "twemproxy lists node 'node23' twice", "one proxy per node")]
    [TestCase("[node23, ~]", "nodes:", "twemproxy nodes item 2 is empty", "remove the item")]
    public void A_bad_proxy_node_is_refused_at_its_line(string nodes, string at, string message, string fix)
    {
        var yaml = ProxyHaText.Replace("[node23, node24]", nodes);

        var error = Fails(yaml);
        var line = InventoryFiles.LineOf(yaml, "  nodes: " + nodes.Split(',')[0]);
        Assert.That(error.Problems.Select(p => (p.Line, p.Message)).Where(p => p.Message.StartsWith(message, StringComparison.Ordinal)),
            Has.One.Matches<(int Line, string Message)>(p => p.Line == line && p.Message.Contains(fix)), error.Message);
    }

    [Test]
    public void Node_and_nodes_together_are_refused()
    {
        var yaml = ProxyHaText.Replace("  nodes: [node23, node24]", "  node: node23\n  nodes: [node23, node24]");

        Refused(yaml, "nodes: [node23", "twemproxy has both 'node' and 'nodes'", "keep one");
    }

    [Test]
    public void Several_proxies_without_a_load_balancer_are_refused()
    {
        var yaml = ProxyHaText[..ProxyHaText.IndexOf("load_balancer:", StringComparison.Ordinal)];

        Refused(yaml, "nodes: [node23", "2 proxies need a load balancer in front", "add a 'load_balancer:' section");
    }

    [Test]
    public void A_proxy_front_door_beside_a_load_balancer_is_refused()
    {
        var yaml = ProxyHaText.Replace("  pool: redis_14555\n", "  pool: redis_14555\n  front_door: 127.0.0.1\n");

        Refused(yaml, "front_door: 127.0.0.1\n  listen", "twemproxy front_door is the load balancer's here", "remove it");
    }

    [TestCase("  kind: haproxy\n", "  kind: nginx\n", "kind: nginx", "load_balancer kind 'nginx' is unknown", "use 'haproxy'")]
    [TestCase("  stats_port: 18404", "  stats_port: 14555", "stats_port: 14555", "the load balancer's stats page wants 127.0.0.1:14555, already taken", "another port")]
    [TestCase("  readiness_port: 14556", "  readiness_port: 14555", "readiness_port: 14555", "load_balancer readiness_port 14555 is the proxies' own port", "e.g. 14556")]
    [TestCase("  check_interval: 200", "  check_interval: 0", "check_interval: 0", "check_interval '0' is out of range; use 1-600000", "200")]
    [TestCase("  front_door: 127.0.0.1\n  listen: 14555\n  stats", "  front_door: 10.0.0.1\n  listen: 14555\n  stats", "front_door: 10.0.0.1", "load_balancer front_door '10.0.0.1' must be a loopback address", "127.0.0.1")]
    [TestCase("  rise: 2", "  rise: -1", "rise: -1", "rise '-1' has a sign", "rise: 2")]
    public void A_bad_load_balancer_setting_is_refused_at_its_line(string original, string replacement, string at, string message, string fix)
    {
        Assert.That(ProxyHaText, Does.Contain(original), "test setup");
        var yaml = ProxyHaText.Replace(original, replacement);

        Refused(yaml, at, message, fix);
    }

    [Test]
    public void A_load_balancer_without_the_lab_s_reconfig_service_is_refused()
    {
        var yaml = ProxyHaText.Replace("  reconfig: lab", "  reconfig: post-script");

        Refused(yaml, "load_balancer:", "a load balancer needs 'twemproxy.reconfig: lab'", "use reconfig: lab");
    }

    [Test]
    public void A_node_may_not_be_called_haproxy()
    {
        var yaml = ProxyHaText.Replace("  node24: { address: 127.0.0.24 }", "  haproxy: { address: 127.0.0.24 }");

        var error = Fails(yaml);
        Assert.That(error.Message, Does.Contain($"bad.yml:{InventoryFiles.LineOf(yaml, "haproxy: {")}: node name 'haproxy' is already the name of the lab's load balancer"));
    }

    [Test]
    public void Killing_node24_takes_its_proxy_and_reconfig_service_with_it_and_not_the_load_balancer()
    {
        var inventory = InventoryLoader.Load(ProxyHaPath);

        Assert.That(TargetResolver.ContainersOn(inventory, inventory.Nodes.Single(n => n.Name == "node24")), Is.EquivalentTo(new[]
        {
            "node24-redis-4500", "node24-redis-4501", "node24-sentinel", "node24-twemproxy", "node24-reconfig",
        }));
    }

    private static void Refused(string yaml, string at, string message, string fix)
    {
        var error = Fails(yaml);
        var line = InventoryFiles.LineOf(yaml, at);
        Assert.That(error.Message, Does.Contain($"bad.yml:{line}: {message}"));
        Assert.That(error.Problems.Single(p => p.Line == line && p.Message.StartsWith(message, StringComparison.Ordinal)).Message, Does.Contain(fix));
        Assert.That(error.Message, Does.Not.Contain("   at "), "no stack trace");
    }

    private static InventoryException Fails(string yaml) =>
        Assert.Throws<InventoryException>(() => InventoryLoader.Parse(yaml, "bad.yml"))!;
}
