using RedisHaLab.Topology;

namespace RedisHaLab.UnitTests.Topology;

public class RenderedConfigTests
{
    private static Inventory Post => InventoryLoader.Load(InventoryFiles.PostPath);

    [Test]
    public void A_replica_follows_its_master_by_container_name()
    {
        var inventory = Post;
        var replica = inventory.Shards[1].Replicas[0];

        var conf = Lines(RedisConfigFile.RenderRedis(inventory, replica, password: null));

        Assert.That(conf, Does.Contain("port 4501"));
        Assert.That(conf, Does.Contain("dir /data/nosql/redis_4501"));
        Assert.That(conf, Does.Contain("replicaof node22-redis-4501 4501"));
        Assert.That(conf, Does.Contain("replica-announce-ip node24-redis-4501"));
        Assert.That(conf, Does.Contain("protected-mode no"));
        Assert.That(conf, Does.Contain("maxmemory-policy allkeys-lru"));
        Assert.That(conf.Where(l => l.StartsWith("save ")), Is.EqualTo(new[] { "save 900 1", "save 300 10", "save 60 10000" }));
    }

    [Test]
    public void A_master_follows_nobody_and_skips_what_a_container_does_not_need()
    {
        var inventory = Post;

        var conf = Lines(RedisConfigFile.RenderRedis(inventory, inventory.Shards[0].Master, password: null));

        Assert.That(conf, Has.None.StartsWith("replicaof"));
        Assert.That(conf, Has.None.StartsWith("daemonize").And.None.StartsWith("bind").And.None.StartsWith("pidfile").And.None.StartsWith("logfile"));
    }

    [Test]
    public void Each_sentinel_monitors_every_shard_with_the_inventory_settings_and_announces_its_name()
    {
        var inventory = Post;

        var conf = Lines(RedisConfigFile.RenderSentinel(inventory, inventory.Sentinels.Instances[1], password: null));

        Assert.That(conf, Does.Contain("sentinel announce-ip node23-sentinel"));
        Assert.That(conf, Does.Contain("sentinel resolve-hostnames yes"));
        Assert.That(conf, Does.Contain("sentinel announce-hostnames yes"));
        Assert.That(conf, Does.Contain("sentinel monitor redis_14555_g1_4500 node22-redis-4500 4500 2"));
        Assert.That(conf, Does.Contain("sentinel monitor redis_14555_g2_4501 node22-redis-4501 4501 2"));
        Assert.That(conf, Does.Contain("sentinel down-after-milliseconds redis_14555_g2_4501 2500"));
        Assert.That(conf, Does.Contain("sentinel failover-timeout redis_14555_g1_4500 10000"));
        Assert.That(conf, Does.Contain("sentinel parallel-syncs redis_14555_g1_4500 1"));
        Assert.That(conf.Where(l => l.StartsWith("sentinel known-replica")), Is.EqualTo(new[]
        {
            "sentinel known-replica redis_14555_g1_4500 node24-redis-4500 4500",
            "sentinel known-replica redis_14555_g2_4501 node24-redis-4501 4501",
        }), "each shard's replicas, known from the start");
        // resolve-hostnames must come before the monitor lines that use names.
        Assert.That(conf.IndexOf("sentinel resolve-hostnames yes"), Is.LessThan(conf.FindIndex(l => l.StartsWith("sentinel monitor"))));
    }

    [Test]
    public void A_sentinel_rebuilt_after_failovers_monitors_the_masters_it_is_given_and_only_instances_of_their_shard()
    {
        var inventory = Post;
        var g2 = inventory.Shards[1];
        var masters = new Dictionary<string, RedisInstance> { ["g1"] = inventory.Shards[0].Master, ["g2"] = g2.Replicas[0] };

        var conf = Lines(RedisConfigFile.RenderSentinel(inventory, inventory.Sentinels.Instances[0], password: null, masters));

        Assert.That(conf, Does.Contain("sentinel monitor redis_14555_g1_4500 node22-redis-4500 4500 2"));
        Assert.That(conf, Does.Contain($"sentinel monitor redis_14555_g2_4501 {g2.Replicas[0].Name} 4501 2"));
        Assert.That(conf, Does.Contain($"sentinel known-replica redis_14555_g2_4501 {g2.Master.Name} 4501"), "the old master, now a replica");
        Assert.That(conf, Has.None.EqualTo($"sentinel known-replica redis_14555_g2_4501 {g2.Replicas[0].Name} 4501"), "the master is not its own replica");
        // g1's master named for g2: a mix-up that would merge two shards under one Sentinel name.
        masters["g2"] = inventory.Shards[0].Master;
        Assert.That(() => RedisConfigFile.RenderSentinel(inventory, inventory.Sentinels.Instances[0], password: null, masters),
            Throws.ArgumentException.With.Message.Contains("shard g2"));
    }

    [Test]
    public void The_proxy_config_names_servers_after_their_shard()
    {
        var yaml = NutcrackerConfig.FromInventory(Post, password: null).Render();

        Assert.That(yaml, Is.EqualTo("""
            redis_14555:
              listen: 0.0.0.0:14555
              hash: fnv1a_64
              distribution: ketama
              auto_eject_hosts: false
              redis: true
              server_retry_timeout: 2000
              server_failure_limit: 1
              servers:
              - node22-redis-4500:4500:1 g1
              - node22-redis-4501:4501:1 g2

            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void The_posts_naming_leaves_servers_unnamed()
    {
        var inventory = InventoryLoader.Parse(
            InventoryFiles.PostWith("server_names: shard", "server_names: address").Replace("auto_eject_hosts: false", "auto_eject_hosts: true"),
            "post-fidelity.yml");

        var config = NutcrackerConfig.FromInventory(inventory, password: null);

        Assert.That(config.Servers("redis_14555").Select(s => s.ToString()),
            Is.EqualTo(new[] { "node22-redis-4500:4500:1", "node22-redis-4501:4501:1" }));
        Assert.That(config.Render(), Does.Contain("auto_eject_hosts: true"));
    }

    [TestCase("node22-redis-4500:4500:1 g1", "node22-redis-4500", 4500, 1, "g1")]
    [TestCase("192.168.16.22:4501:1", "192.168.16.22", 4501, 1, null)]
    [TestCase("  10.0.0.5:6379:3   shard-a ", "10.0.0.5", 6379, 3, "shard-a")]
    public void A_server_entry_parses(string entry, string host, int port, int weight, string? name) =>
        Assert.That(ProxyServer.Parse(entry), Is.EqualTo(new ProxyServer(host, port, weight, name)));

    [TestCase("")]
    [TestCase("node22:4500")]
    [TestCase("node22:port:1 g1")]
    [TestCase(":4500:1")]
    public void A_malformed_server_entry_is_refused(string entry) =>
        Assert.Throws<FormatException>(() => ProxyServer.Parse(entry));

    private static List<string> Lines(string text) => text.Split('\n').Select(l => l.TrimEnd()).ToList();
}
