using RedisHaLab.Topology;

namespace RedisHaLab.UnitTests.Topology;

/// <summary>twemproxy's <c>reconfig</c> key: how the proxy follows a failover, chosen per inventory.</summary>
public class ReconfigModeTests
{
    private static string PostFidelityPath => Path.Combine(TestContext.CurrentContext.TestDirectory, "inventories", "post-fidelity.yml");

    [Test]
    public void The_default_inventory_names_the_lab_mode()
    {
        Assert.That(InventoryLoader.Load(InventoryFiles.PostPath).Proxy.Reconfig, Is.EqualTo(ProxyReconfigMode.Lab));
    }

    [Test]
    public void An_inventory_without_the_key_gets_the_lab_mode()
    {
        Assert.That(File.ReadAllText(InventoryFiles.ThreeShardsPath), Does.Not.Contain("reconfig:"), "test setup");

        Assert.That(InventoryLoader.Load(InventoryFiles.ThreeShardsPath).Proxy.Reconfig, Is.EqualTo(ProxyReconfigMode.Lab));
        var withoutKey = InventoryFiles.PostWith("  reconfig: lab\n", "");
        Assert.That(InventoryLoader.Parse(withoutKey, "no-key.yml").Proxy.Reconfig, Is.EqualTo(ProxyReconfigMode.Lab));
    }

    [Test]
    public void The_post_fidelity_inventory_is_the_posts_lab_with_the_posts_proxy()
    {
        var post = InventoryLoader.Load(InventoryFiles.PostPath);
        var fidelity = InventoryLoader.Load(PostFidelityPath);

        Assert.That((fidelity.Proxy.Reconfig, fidelity.Proxy.ServerNaming, fidelity.Proxy.AutoEjectHosts),
            Is.EqualTo((ProxyReconfigMode.PostScript, ProxyServerNaming.Address, true)));
        // Everything else is the lab's: same nodes, shards, Redis settings, Sentinels and proxy placement.
        Assert.That(fidelity.Proxy with { ServerNaming = post.Proxy.ServerNaming, AutoEjectHosts = post.Proxy.AutoEjectHosts, Reconfig = post.Proxy.Reconfig },
            Is.EqualTo(post.Proxy));
        Assert.That(fidelity.Nodes, Is.EqualTo(post.Nodes));
        Assert.That(fidelity.Shards.Select(Describe), Is.EqualTo(post.Shards.Select(Describe)));
        Assert.That(fidelity.RedisSettings, Is.EqualTo(post.RedisSettings));
        Assert.That(Settings(fidelity.Sentinels), Is.EqualTo(Settings(post.Sentinels)));
        Assert.That(fidelity.Sentinels.Instances, Is.EqualTo(post.Sentinels.Instances));
    }

    [Test]
    public void The_post_fidelity_proxy_config_has_the_posts_unnamed_servers_and_ejection()
    {
        var rendered = NutcrackerConfig.FromInventory(InventoryLoader.Load(PostFidelityPath), password: null).Render();

        Assert.That(rendered, Does.Contain("- node22-redis-4500:4500:1\n").And.Contain("- node22-redis-4501:4501:1\n"));
        Assert.That(rendered, Does.Contain("auto_eject_hosts: true"));
    }

    [Test]
    public void An_unknown_mode_is_refused_with_its_line_and_the_choices()
    {
        var yaml = InventoryFiles.PostWith("reconfig: lab", "reconfig: script");

        var error = Assert.Throws<InventoryException>(() => InventoryLoader.Parse(yaml, "bad.yml"))!;

        Assert.That(error.Problems.Single().Line, Is.EqualTo(InventoryFiles.LineOf(yaml, "reconfig: script")));
        Assert.That(error.Message, Does.Contain("twemproxy reconfig 'script' is unknown").And.Contain("'lab'").And.Contain("'post-script'"));
    }

    [Test]
    public void The_post_script_mode_needs_a_sentinel_on_the_proxys_node()
    {
        var yaml = InventoryFiles.PostWith("reconfig: lab", "reconfig: post-script")
            .Replace("nodes: [node22, node23, node24]", "nodes: [node22, node24]")
            .Replace("quorum: 2", "quorum: 1");

        var error = Assert.Throws<InventoryException>(() => InventoryLoader.Parse(yaml, "bad.yml"))!;

        Assert.That(error.Message, Does.Contain("takes failovers from the Sentinel on the proxy's node 'node23'")
            .And.Contain("add node23 to sentinels.nodes or use 'reconfig: lab'"));
    }

    [Test]
    public void The_lab_mode_does_not_need_a_sentinel_on_the_proxys_node()
    {
        var yaml = InventoryFiles.PostWith("nodes: [node22, node23, node24]", "nodes: [node22, node24]").Replace("quorum: 2", "quorum: 1");

        Assert.That(InventoryLoader.Parse(yaml, "ok.yml").Proxy.Reconfig, Is.EqualTo(ProxyReconfigMode.Lab));
    }

    private static (int, int, int, int) Settings(SentinelGroup group) =>
        (group.Quorum, group.DownAfterMilliseconds, group.FailoverTimeoutMilliseconds, group.ParallelSyncs);

    private static string Describe(Shard shard) =>
        $"{shard.Name} {shard.SentinelMasterName} {shard.Master.Name} -> {string.Join(",", shard.Replicas.Select(r => r.Name))}";
}
