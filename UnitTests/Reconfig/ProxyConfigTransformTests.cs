using RedisHaLab.Reconfig;
using RedisHaLab.Topology;
using static RedisHaLab.UnitTests.Reconfig.Fixtures;

namespace RedisHaLab.UnitTests.Reconfig;

public class ProxyConfigTransformTests
{
    private static NutcrackerConfig PostConfig => NutcrackerConfig.FromInventory(PostLab, password: null);

    [Test]
    public void A_failover_of_g1_moves_only_the_address_of_the_server_named_g1()
    {
        var change = ProxyConfigTransform.Retarget(PostConfig, PostLab, ShardNamed(PostLab, G1), At("node24-redis-4500:4500"));

        var rewrite = AsRewrite(change);
        Assert.Multiple(() =>
        {
            Assert.That(rewrite.Shard.Name, Is.EqualTo("g1"));
            Assert.That(rewrite.Before, Is.EqualTo(new ProxyServer("node22-redis-4500", 4500, 1, "g1")));
            Assert.That(rewrite.After, Is.EqualTo(new ProxyServer("node24-redis-4500", 4500, 1, "g1")));
            Assert.That(rewrite.Config.Servers("redis_14555"), Is.EqualTo(new[]
            {
                new ProxyServer("node24-redis-4500", 4500, 1, "g1"),
                new ProxyServer("node22-redis-4501", 4501, 1, "g2"),
            }));
        });
    }

    [Test]
    public void The_config_it_started_from_is_left_as_it_was()
    {
        var before = PostConfig;

        _ = ProxyConfigTransform.Retarget(before, PostLab, ShardNamed(PostLab, G1), At("node24-redis-4500:4500"));

        Assert.That(before.Servers("redis_14555")[0].Host, Is.EqualTo("node22-redis-4500"));
    }

    [Test]
    public void A_server_already_at_the_new_master_is_unchanged()
    {
        var change = ProxyConfigTransform.Retarget(PostConfig, PostLab, ShardNamed(PostLab, G2), At("node22-redis-4501:4501"));

        Assert.That(change, Is.EqualTo(new ProxyConfigChange.Unchanged(PostLab.Shards[1], new ProxyServer("node22-redis-4501", 4501, 1, "g2"))));
    }

    [Test]
    public void Applying_the_same_announcement_twice_changes_nothing_the_second_time()
    {
        var first = AsRewrite(ProxyConfigTransform.Retarget(PostConfig, PostLab, ShardNamed(PostLab, G1), At("node24-redis-4500:4500")));

        var second = ProxyConfigTransform.Retarget(first.Config, PostLab, ShardNamed(PostLab, G1), At("node24-redis-4500:4500"), At("node22-redis-4500:4500"));

        Assert.That(second, Is.InstanceOf<ProxyConfigChange.Unchanged>());
    }

    [Test]
    public void A_host_differing_only_in_case_is_unchanged()
    {
        var change = ProxyConfigTransform.Retarget(PostConfig, PostLab, ShardNamed(PostLab, G1), At("NODE22-REDIS-4500:4500"));

        Assert.That(change, Is.InstanceOf<ProxyConfigChange.Unchanged>());
    }

    [Test]
    public void Weight_and_name_are_kept()
    {
        var config = NutcrackerConfig.Parse("""
            redis_14555:
              listen: 0.0.0.0:14555
              servers:
                - node22-redis-4500:4500:3 g1
                - node22-redis-4501:4501:7 g2
            """);

        var rewrite = AsRewrite(ProxyConfigTransform.Retarget(config, PostLab, ShardNamed(PostLab, G2), At("node24-redis-4501:4501")));

        Assert.That(rewrite.After, Is.EqualTo(new ProxyServer("node24-redis-4501", 4501, 7, "g2")));
    }

    [Test]
    public void Named_servers_at_IP_addresses_move_to_the_host_Sentinel_names()
    {
        var config = NutcrackerConfig.Parse("""
            redis_14555:
              servers:
                - 192.168.16.22:4500:1 g1
                - 192.168.16.22:4501:1 g2
            """);

        var rewrite = AsRewrite(ProxyConfigTransform.Retarget(config, PostLab, ShardNamed(PostLab, G1), At("192.168.16.24:4500")));

        Assert.That(rewrite.Config.Servers("redis_14555").Select(s => s.ToString()),
            Is.EqualTo(new[] { "192.168.16.24:4500:1 g1", "192.168.16.22:4501:1 g2" }));
    }

    [Test]
    public void Without_a_server_named_after_the_shard_nothing_is_guessed()
    {
        var config = NutcrackerConfig.Parse("""
            redis_14555:
              servers:
                - node22-redis-4500:4500:1
                - node22-redis-4501:4501:1 g2
            """);

        var change = ProxyConfigTransform.Retarget(config, PostLab, ShardNamed(PostLab, G1), At("node24-redis-4500:4500"));

        Assert.That(AsCannotApply(change).Reason, Does.Contain("no server is named 'g1'"));
    }

    [Test]
    public void Two_servers_with_the_shard_name_are_refused()
    {
        var config = NutcrackerConfig.Parse("""
            redis_14555:
              servers: [ "a:1:1 g1", "b:2:1 g1" ]
            """);

        var change = ProxyConfigTransform.Retarget(config, PostLab, ShardNamed(PostLab, G1), At("node24-redis-4500:4500"));

        Assert.That(AsCannotApply(change).Reason, Does.Contain("2 servers are named 'g1'"));
    }

    [Test]
    public void Unnamed_servers_the_post_way_replace_the_old_master_address_from_the_event()
    {
        var config = NutcrackerConfig.FromInventory(PostLabWithUnnamedServers, password: null);

        var rewrite = AsRewrite(ProxyConfigTransform.Retarget(config, PostLabWithUnnamedServers, ShardNamed(PostLabWithUnnamedServers, G2),
            At("node24-redis-4501:4501"), oldMaster: At("node22-redis-4501:4501")));

        Assert.That(rewrite.Config.Servers("redis_14555").Select(s => s.ToString()),
            Is.EqualTo(new[] { "node22-redis-4500:4500:1", "node24-redis-4501:4501:1" }));
    }

    [Test]
    public void Unnamed_servers_are_found_by_the_shards_instances_when_no_old_master_is_known()
    {
        var config = NutcrackerConfig.FromInventory(PostLabWithUnnamedServers, password: null);

        var rewrite = AsRewrite(ProxyConfigTransform.Retarget(config, PostLabWithUnnamedServers, ShardNamed(PostLabWithUnnamedServers, G1), At("node24-redis-4500:4500")));

        Assert.That(rewrite.Before.ToString(), Is.EqualTo("node22-redis-4500:4500:1"));
        Assert.That(rewrite.After.ToString(), Is.EqualTo("node24-redis-4500:4500:1"));
    }

    [Test]
    public void Unnamed_servers_after_a_failover_back_are_found_at_the_replica_they_moved_to()
    {
        var failedOver = NutcrackerConfig.Parse("""
            redis_14555:
              servers:
                - node24-redis-4500:4500:1
                - node22-redis-4501:4501:1
            """);

        var rewrite = AsRewrite(ProxyConfigTransform.Retarget(failedOver, PostLabWithUnnamedServers, ShardNamed(PostLabWithUnnamedServers, G1), At("node22-redis-4500:4500")));

        Assert.That(rewrite.Config.Servers("redis_14555")[0].ToString(), Is.EqualTo("node22-redis-4500:4500:1"));
    }

    [Test]
    public void Unnamed_servers_already_at_the_new_master_are_unchanged()
    {
        var config = NutcrackerConfig.FromInventory(PostLabWithUnnamedServers, password: null);

        var change = ProxyConfigTransform.Retarget(config, PostLabWithUnnamedServers, ShardNamed(PostLabWithUnnamedServers, G1), At("node22-redis-4500:4500"), At("node24-redis-4500:4500"));

        Assert.That(change, Is.InstanceOf<ProxyConfigChange.Unchanged>());
    }

    [Test]
    public void Unnamed_servers_at_IP_addresses_follow_the_event_as_the_posts_script_did()
    {
        var config = NutcrackerConfig.Parse("""
            redis_14555:
              servers:
                - 192.168.16.22:4500:1
                - 192.168.16.22:4501:1
            """);

        var rewrite = AsRewrite(ProxyConfigTransform.Retarget(config, PostLabWithUnnamedServers, ShardNamed(PostLabWithUnnamedServers, G2),
            At("192.168.16.24:4501"), oldMaster: At("192.168.16.22:4501")));

        Assert.That(rewrite.Config.Servers("redis_14555").Select(s => s.ToString()),
            Is.EqualTo(new[] { "192.168.16.22:4500:1", "192.168.16.24:4501:1" }));
    }

    [Test]
    public void Unnamed_servers_at_IP_addresses_cannot_be_matched_without_an_old_master()
    {
        var config = NutcrackerConfig.Parse("""
            redis_14555:
              servers:
                - 192.168.16.22:4500:1
                - 192.168.16.22:4501:1
            """);

        var change = ProxyConfigTransform.Retarget(config, PostLabWithUnnamedServers, ShardNamed(PostLabWithUnnamedServers, G2), At("192.168.16.24:4501"));

        Assert.That(AsCannotApply(change).Reason, Does.Contain("no server is at an instance of shard 'g2'"));
    }

    [Test]
    public void Unnamed_servers_at_two_instances_of_one_shard_are_refused()
    {
        var config = NutcrackerConfig.Parse("""
            redis_14555:
              servers: [ "node22-redis-4500:4500:1", "node24-redis-4500:4500:1" ]
            """);

        var change = ProxyConfigTransform.Retarget(config, PostLabWithUnnamedServers, ShardNamed(PostLabWithUnnamedServers, G1), At("node23-redis-4500:4500"));

        Assert.That(AsCannotApply(change).Reason, Does.Contain("2 servers are at instances of shard 'g1'"));
    }

    [Test]
    public void Keys_the_model_does_not_know_and_other_pools_are_kept()
    {
        var config = NutcrackerConfig.Parse("""
            redis_14555:
              listen: 0.0.0.0:14555
              hash: fnv1a_64
              preconnect: true
              timeout: 400
              some_future_setting: { nested: [1, 2] }
              servers:
                - node22-redis-4500:4500:1 g1
                - node22-redis-4501:4501:1 g2
            other_pool:
              listen: 0.0.0.0:22121
              servers:
                - node22-redis-4500:4500:1 g1
            """);

        var rewrite = AsRewrite(ProxyConfigTransform.Retarget(config, PostLab, ShardNamed(PostLab, G1), At("node24-redis-4500:4500")));

        var rendered = rewrite.Config.Render();
        Assert.Multiple(() =>
        {
            Assert.That(rendered, Does.Contain("preconnect: true").And.Contain("timeout: 400").And.Contain("some_future_setting:"));
            Assert.That(rewrite.Config.Pools, Is.EqualTo(new[] { "redis_14555", "other_pool" }));
            // Only the inventory's pool is the lab's to rewrite.
            Assert.That(rewrite.Config.Servers("other_pool")[0].Host, Is.EqualTo("node22-redis-4500"));
        });
    }

    [Test]
    public void Comments_do_not_stop_a_rewrite_but_are_not_carried_into_the_new_file()
    {
        var config = NutcrackerConfig.Parse("""
            # written by hand
            redis_14555:   # the post's pool
              listen: 0.0.0.0:14555
              servers:
                - node22-redis-4500:4500:1 g1   # g1 master
                - node22-redis-4501:4501:1 g2
            """);

        var rewrite = AsRewrite(ProxyConfigTransform.Retarget(config, PostLab, ShardNamed(PostLab, G1), At("node24-redis-4500:4500")));

        Assert.Multiple(() =>
        {
            Assert.That(rewrite.Config.Servers("redis_14555")[0].ToString(), Is.EqualTo("node24-redis-4500:4500:1 g1"));
            // NutcrackerConfig keeps YAML nodes, and YAML nodes carry no comments: the lab's own files have none.
            Assert.That(rewrite.Config.Render(), Does.Not.Contain("#"));
        });
    }

    [Test]
    public void A_config_without_the_inventorys_pool_cannot_be_rewritten()
    {
        var config = NutcrackerConfig.Parse("""
            some_other_pool:
              servers: [ "node22-redis-4500:4500:1 g1" ]
            """);

        var change = ProxyConfigTransform.Retarget(config, PostLab, ShardNamed(PostLab, G1), At("node24-redis-4500:4500"));

        Assert.That(AsCannotApply(change).Reason, Does.Contain("pool 'redis_14555' is missing"));
    }

    [TestCase("::1")]
    [TestCase("fe80::1")]
    [TestCase("two words")]
    public void A_host_nutcracker_cannot_read_back_is_refused(string host)
    {
        var change = ProxyConfigTransform.Retarget(PostConfig, PostLab, ShardNamed(PostLab, G1), new MasterAddress(host, 4500));

        Assert.That(AsCannotApply(change).Reason, Does.Contain("cannot be written"));
    }

    [Test]
    public void A_shard_of_a_larger_inventory_is_found_by_its_own_name()
    {
        var config = NutcrackerConfig.FromInventory(ThreeShards, password: null);
        var s2 = ThreeShards.Shards.Single(s => s.Name == "s2");
        var replica = s2.Replicas[0];

        var rewrite = AsRewrite(ProxyConfigTransform.Retarget(config, ThreeShards, s2, new MasterAddress(replica.Name, replica.Port)));

        Assert.Multiple(() =>
        {
            Assert.That(rewrite.Index, Is.EqualTo(1));
            Assert.That(rewrite.After.Host, Is.EqualTo(replica.Name));
            Assert.That(rewrite.Config.Servers(ThreeShards.Proxy.Pool).Where((_, i) => i != 1),
                Is.EqualTo(config.Servers(ThreeShards.Proxy.Pool).Where((_, i) => i != 1)));
        });
    }

    private static ProxyConfigChange.Rewrite AsRewrite(ProxyConfigChange change)
    {
        Assert.That(change, Is.InstanceOf<ProxyConfigChange.Rewrite>(), () => $"expected a rewrite, got {change}");
        return (ProxyConfigChange.Rewrite)change;
    }

    private static ProxyConfigChange.CannotApply AsCannotApply(ProxyConfigChange change)
    {
        Assert.That(change, Is.InstanceOf<ProxyConfigChange.CannotApply>(), () => $"expected a refusal, got {change}");
        return (ProxyConfigChange.CannotApply)change;
    }
}
