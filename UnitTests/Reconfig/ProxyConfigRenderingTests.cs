using RedisHaLab.Reconfig;
using RedisHaLab.Topology;
using static RedisHaLab.UnitTests.Reconfig.Fixtures;

namespace RedisHaLab.UnitTests.Reconfig;

public class ProxyConfigRenderingTests
{
    [Test]
    public void The_post_labs_config_after_a_g1_failover_reads_as_expected()
    {
        var rewrite = (ProxyConfigChange.Rewrite)ProxyConfigTransform.Retarget(
            NutcrackerConfig.FromInventory(PostLab, password: null), PostLab, ShardNamed(PostLab, G1), At("node24-redis-4500:4500"));

        Assert.That(rewrite.Config.Render().ReplaceLineEndings("\n"), Is.EqualTo("""
            redis_14555:
              listen: 0.0.0.0:14555
              hash: fnv1a_64
              distribution: ketama
              auto_eject_hosts: false
              redis: true
              server_retry_timeout: 2000
              server_failure_limit: 1
              servers:
              - node24-redis-4500:4500:1 g1
              - node22-redis-4501:4501:1 g2

            """));
    }

    [Test]
    public void A_rewrite_changes_exactly_one_line_of_the_rendered_file()
    {
        var before = NutcrackerConfig.FromInventory(ThreeShards, password: null);
        var s3 = ThreeShards.Shards.Single(s => s.Name == "s3");

        var rewrite = (ProxyConfigChange.Rewrite)ProxyConfigTransform.Retarget(before, ThreeShards, s3,
            new MasterAddress(s3.Replicas[1].Name, s3.Replicas[1].Port));

        var oldLines = Lines(before.Render());
        var newLines = Lines(rewrite.Config.Render());
        var changed = Enumerable.Range(0, oldLines.Length).Where(i => oldLines[i] != newLines[i]).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(newLines, Has.Length.EqualTo(oldLines.Length));
            Assert.That(changed, Has.Count.EqualTo(1));
            Assert.That(newLines[changed[0]], Is.EqualTo($"  - {s3.Replicas[1].Name}:{s3.Replicas[1].Port}:1 s3"));
        });
    }

    [Test]
    public void A_rewritten_config_reads_back_as_the_same_config()
    {
        var rewrite = (ProxyConfigChange.Rewrite)ProxyConfigTransform.Retarget(
            NutcrackerConfig.FromInventory(PostLab, password: null), PostLab, ShardNamed(PostLab, G2), At("node24-redis-4501:4501"));

        var reread = NutcrackerConfig.Parse(rewrite.Config.Render());

        Assert.Multiple(() =>
        {
            Assert.That(reread.Render(), Is.EqualTo(rewrite.Config.Render()));
            Assert.That(reread.Servers("redis_14555"), Is.EqualTo(rewrite.Config.Servers("redis_14555")));
        });
    }

    private static string[] Lines(string text) => text.ReplaceLineEndings("\n").Split('\n');
}
