using System.Net;
using RedisHaLab.Topology;

namespace RedisHaLab.UnitTests.Topology;

public class InventoryLoaderTests
{
    [Test]
    public void The_default_inventory_is_the_posts_lab()
    {
        var inventory = InventoryLoader.Load(InventoryFiles.PostPath);

        Assert.That(inventory.Nodes.Select(n => $"{n.Name}={n.Address}"),
            Is.EqualTo(new[] { "node22=127.0.0.22", "node23=127.0.0.23", "node24=127.0.0.24" }));
        Assert.That(inventory.Shards.Select(s => $"{s.Name} {s.SentinelMasterName} {s.Master.Name} -> {string.Join(",", s.Replicas.Select(r => r.Name))}"),
            Is.EqualTo(new[]
            {
                "g1 redis_14555_g1_4500 node22-redis-4500 -> node24-redis-4500",
                "g2 redis_14555_g2_4501 node22-redis-4501 -> node24-redis-4501",
            }));
        var sentinels = inventory.Sentinels;
        Assert.That(sentinels.Instances.Select(s => $"{s.Name}:{s.Port}"),
            Is.EqualTo(new[] { "node22-sentinel:26379", "node23-sentinel:26379", "node24-sentinel:26379" }));
        Assert.That((sentinels.Quorum, sentinels.DownAfterMilliseconds, sentinels.FailoverTimeoutMilliseconds, sentinels.ParallelSyncs),
            Is.EqualTo((2, 2500, 10000, 1)));
        var proxy = inventory.Proxy;
        Assert.That((proxy.Name, proxy.Port, proxy.FrontDoorAddress, proxy.Pool, proxy.Hash, proxy.Distribution),
            Is.EqualTo(("node23-twemproxy", 14555, IPAddress.Parse("127.0.0.1"), "redis_14555", "fnv1a_64", "ketama")));
        Assert.That((proxy.AutoEjectHosts, proxy.ServerRetryTimeoutMilliseconds, proxy.ServerFailureLimit, proxy.ServerNaming),
            Is.EqualTo((false, 2000, 1, ProxyServerNaming.Shard)));
        Assert.That(inventory.RedisSettings, Does.Contain(new RedisSetting("maxmemory", "256mb")));
        Assert.That(inventory.RedisSettings.Where(s => s.Directive == "save").Select(s => s.Value),
            Is.EqualTo(new[] { "900 1", "300 10", "60 10000" }));
    }

    [Test]
    public void A_bigger_inventory_loads_with_nothing_about_the_post_hard_coded()
    {
        var inventory = InventoryLoader.Load(InventoryFiles.ThreeShardsPath);

        Assert.That(inventory.Shards, Has.Count.EqualTo(3));
        Assert.That(inventory.Shards.Select(s => s.Replicas.Count), Is.All.EqualTo(2));
        Assert.That(inventory.Sentinels.Instances, Has.Count.EqualTo(5));
        Assert.That(inventory.RedisInstances.Count(), Is.EqualTo(9));
        Assert.That(inventory.FindShardBySentinelName("lab_16379_s2_5002")?.Name, Is.EqualTo("s2"));
        Assert.That(inventory.FindShardBySentinelName("redis_14555_g1_4500"), Is.Null);
    }

    [Test]
    public void An_unknown_node_is_named_with_its_line_and_the_known_nodes()
    {
        var yaml = InventoryFiles.PostWith("replicas: [node24:4501]", "replicas: [node25:4501]");

        var error = Fails(yaml);

        Assert.That(error.Problems.Single().Line, Is.EqualTo(InventoryFiles.LineOf(yaml, "replicas: [node25:4501]")));
        Assert.That(error.Message, Does.StartWith("bad.yml:").And.Contain("unknown node 'node25'").And.Contain("node22, node23, node24"));
    }

    [Test]
    public void Two_instances_on_one_port_of_a_node_are_refused()
    {
        var yaml = InventoryFiles.PostWith("master: node22:4501", "master: node22:4500");

        var error = Fails(yaml);

        Assert.That(error.Message, Does.Contain("127.0.0.22:4500, already taken by Redis node22-redis-4500"));
        Assert.That(error.Problems.Single().Line, Is.EqualTo(InventoryFiles.LineOf(yaml, "sentinel_name: redis_14555_g2_4501") + 1), "g2's master line");
    }

    [Test]
    public void The_proxy_cannot_share_a_port_with_a_sentinel()
    {
        var error = Fails(InventoryFiles.PostWith("listen: 14555", "listen: 26379"));

        Assert.That(error.Message, Does.Contain("twemproxy on node23 wants 127.0.0.23:26379, already taken by Sentinel node23-sentinel"));
    }

    [Test]
    public void A_quorum_larger_than_the_sentinel_count_is_refused()
    {
        var yaml = InventoryFiles.PostWith("quorum: 2", "quorum: 4");

        var error = Fails(yaml);

        Assert.That(error.Message, Does.Contain("quorum 4 is not between 1 and the 3 Sentinels listed"));
        Assert.That(error.Problems.Single().Line, Is.EqualTo(InventoryFiles.LineOf(yaml, "quorum: 4")));
    }

    [Test]
    public void A_yaml_syntax_error_names_its_line()
    {
        var yaml = InventoryFiles.PostWith("    master: node22:4500", "    master: [node22:4500");

        var error = Fails(yaml);

        Assert.That(error.Problems.Single().Line, Is.InRange(InventoryFiles.LineOf(yaml, "[node22:4500"), InventoryFiles.LineOf(yaml, "[node22:4500") + 3));
        Assert.That(error.Message, Does.StartWith("bad.yml:"));
    }

    [Test]
    public void A_missing_field_says_what_to_add()
    {
        var yaml = InventoryFiles.PostWith("  down_after_milliseconds: 2500\n", "");

        var error = Fails(yaml);

        Assert.That(error.Message, Does.Contain("sentinels is missing 'down_after_milliseconds'; add e.g. 'down_after_milliseconds: 2500'"));
    }

    [Test]
    public void A_shard_without_master_is_refused()
    {
        var yaml = InventoryFiles.PostWith("    master: node22:4500\n", "");

        var error = Fails(yaml);

        Assert.That(error.Message, Does.Contain("shard 'g1' is missing 'master'"));
        Assert.That(error.Problems.Single().Line, Is.EqualTo(InventoryFiles.LineOf(yaml, "g1:")), "the shard's own line, not its first key's");
    }

    [Test]
    public void An_unknown_key_lists_the_allowed_ones()
    {
        var yaml = InventoryFiles.PostWith("  quorum: 2", "  quorom: 2");

        var error = Fails(yaml);

        Assert.That(error.Problems.Single().Line, Is.EqualTo(InventoryFiles.LineOf(yaml, "quorom")));
        Assert.That(error.Message, Does.Contain("unknown key 'quorom'").And.Contain("quorum"));
    }

    [Test]
    public void A_value_of_the_wrong_type_names_its_line()
    {
        var yaml = InventoryFiles.PostWith("quorum: 2", "quorum: two");

        var error = Fails(yaml);

        Assert.That(error.Problems.Single().Line, Is.EqualTo(InventoryFiles.LineOf(yaml, "quorum: two")));
        Assert.That(error.Message, Does.Contain("quorum 'two' is not a whole number"));
    }

    [Test]
    public void A_list_where_settings_belong_is_explained()
    {
        var yaml = InventoryFiles.PostWith("  node23: { address: 127.0.0.23 }", "  node23: [127.0.0.23]");

        var error = Fails(yaml);

        Assert.That(error.Problems.Single().Line, Is.EqualTo(InventoryFiles.LineOf(yaml, "node23: [")));
        Assert.That(error.Message, Does.Contain("expected the node settings as 'key: value' lines here"));
    }

    [Test]
    public void A_node_off_loopback_is_refused()
    {
        var error = Fails(InventoryFiles.PostWith("127.0.0.24 }", "192.168.16.24 }"));

        Assert.That(error.Message, Does.Contain("'192.168.16.24' is not in 127.0.0.0/8"));
    }

    [Test]
    public void Settings_the_lab_owns_cannot_be_overridden()
    {
        var error = Fails(InventoryFiles.PostWith("  timeout: 0\n", "  timeout: 0\n  port: 6379\n"));

        Assert.That(error.Message, Does.Contain("redis_settings may not set 'port'"));
    }

    [Test]
    public void Every_problem_is_reported_at_once()
    {
        var yaml = InventoryFiles.PostWith("quorum: 2", "quorum: 9").Replace("node: node23", "node: node99");

        var error = Fails(yaml);

        Assert.That(error.Problems, Has.Count.EqualTo(2));
        Assert.That(error.Message, Does.Contain("has 2 problems"));
    }

    [Test]
    public void An_empty_or_missing_file_is_explained()
    {
        Assert.That(Fails("").Message, Does.Contain("the file is empty"));
        var missing = Assert.Throws<InventoryException>(() => InventoryLoader.Load("/nonexistent/lab.yml"))!;
        Assert.That(missing.Message, Does.StartWith("/nonexistent/lab.yml:1: file not found"));
    }

    private static InventoryException Fails(string yaml) =>
        Assert.Throws<InventoryException>(() => InventoryLoader.Parse(yaml, "bad.yml"))!;
}
