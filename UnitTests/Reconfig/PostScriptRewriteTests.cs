using RedisHaLab.Reconfig.PostScript;
using RedisHaLab.Topology;
using static RedisHaLab.UnitTests.Reconfig.Fixtures;

namespace RedisHaLab.UnitTests.Reconfig;

/// <summary>The post's script as text work: its choice of file and its sed.</summary>
public class PostScriptRewriteTests
{
    private static string UnnamedConfig => NutcrackerConfig.FromInventory(PostLabWithUnnamedServers, password: null).Render();

    [Test]
    public void The_config_file_is_derived_from_the_master_name_as_the_scripts_awk_did()
    {
        Assert.Multiple(() =>
        {
            Assert.That(PostScriptRewrite.ConfigFileName(G1), Is.EqualTo("redis_14555.yml"));
            Assert.That(PostScriptRewrite.ConfigFileName(G2), Is.EqualTo("redis_14555.yml"));
            Assert.That(PostScriptRewrite.ConfigFileName("lab_16379_s2_5002"), Is.EqualTo("lab_16379.yml"));
            // awk prints an empty second field: the file the script would look for does not exist.
            Assert.That(PostScriptRewrite.ConfigFileName("mymaster"), Is.EqualTo("mymaster_.yml"));
        });
    }

    [Test]
    public void A_g2_failover_replaces_the_old_address_and_nothing_else()
    {
        var before = UnnamedConfig;

        var edit = PostScriptRewrite.Apply(before, At("node22-redis-4501:4501"), At("node24-redis-4501:4501"));

        Assert.That(edit.LinesChanged, Is.EqualTo(1));
        Assert.That(edit.Text, Is.EqualTo(before.Replace("- node22-redis-4501:4501:1", "- node24-redis-4501:4501:1")));
        Assert.That(NutcrackerConfig.Parse(edit.Text).Servers("redis_14555").Select(s => s.ToString()),
            Is.EqualTo(new[] { "node22-redis-4500:4500:1", "node24-redis-4501:4501:1" }));
    }

    [Test]
    public void An_announcement_whose_old_address_is_not_in_the_file_changes_nothing()
    {
        var before = UnnamedConfig;

        var edit = PostScriptRewrite.Apply(before, At("node24-redis-4501:4501"), At("node22-redis-4501:4501"));

        Assert.That(edit.LinesChanged, Is.Zero);
        Assert.That(edit.Text, Is.SameAs(before));
    }

    [Test]
    public void A_repeated_announcement_is_a_no_op_once_applied()
    {
        var once = PostScriptRewrite.Apply(UnnamedConfig, At("node22-redis-4500:4500"), At("node24-redis-4500:4500"));

        var twice = PostScriptRewrite.Apply(once.Text, At("node22-redis-4500:4500"), At("node24-redis-4500:4500"));

        Assert.That(twice.LinesChanged, Is.Zero);
        Assert.That(twice.Text, Is.EqualTo(once.Text));
    }

    [Test]
    public void The_edit_is_textual_like_sed_first_match_of_each_line_whatever_the_key()
    {
        const string text = "pool:\r\n  listen: h:1 h:1\r\n  servers:\r\n   - h:1:1\r\n   - h:10:1\r\n";

        var edit = PostScriptRewrite.Apply(text, At("h:1"), At("n:2"));

        // 'h:10' starts with 'h:1' too: sed would rewrite it as well, and so does this.
        Assert.That(edit.Text, Is.EqualTo("pool:\r\n  listen: n:2 h:1\r\n  servers:\r\n   - n:2:1\r\n   - n:20:1\r\n"));
        Assert.That(edit.LinesChanged, Is.EqualTo(3));
    }

    [Test]
    public void With_named_servers_the_name_stays_and_only_the_address_moves()
    {
        var named = NutcrackerConfig.FromInventory(PostLab, password: null).Render();

        var edit = PostScriptRewrite.Apply(named, At("node22-redis-4500:4500"), At("node24-redis-4500:4500"));

        Assert.That(NutcrackerConfig.Parse(edit.Text).Servers("redis_14555").Select(s => s.ToString()),
            Is.EqualTo(new[] { "node24-redis-4500:4500:1 g1", "node22-redis-4501:4501:1 g2" }));
    }
}
