using RedisHaLab.Reconfig;
using RedisHaLab.Topology;

namespace RedisHaLab.UnitTests.Topology;

/// <summary>
/// The inventory's authentication switch and what it renders: every config asks for the one password when it is on,
/// and none mentions a password when it is off. The password comes from the caller (the AppHost's parameter), never
/// from the inventory.
/// </summary>
public class AuthenticationTests
{
    private const string Password = "s3cretPassw0rdOfTheLab";

    private static Inventory Auth => InventoryLoader.Load(Path.Combine(TestContext.CurrentContext.TestDirectory, "inventories", "post-2016-auth.yml"));

    private static Inventory Post => InventoryLoader.Load(InventoryFiles.PostPath);

    [Test]
    public void The_post_lab_has_no_authentication_and_its_auth_twin_has_a_password()
    {
        Assert.That(Post.Authentication, Is.EqualTo(LabAuthentication.None));
        Assert.That(Auth.Authentication, Is.EqualTo(LabAuthentication.Password));
        Assert.That(InventoryLoader.Parse(InventoryFiles.PostText.Replace("nodes:\n", "authentication: none\nnodes:\n"), "none.yml").Authentication,
            Is.EqualTo(LabAuthentication.None));
    }

    [Test]
    public void The_auth_inventory_is_the_post_lab_apart_from_the_switch()
    {
        var auth = Auth;
        var post = Post;
        Assert.That(auth.Shards.Select(s => (s.Name, s.SentinelMasterName, s.Master.Name)), Is.EqualTo(post.Shards.Select(s => (s.Name, s.SentinelMasterName, s.Master.Name))));
        Assert.That(auth.RedisSettings, Is.EqualTo(post.RedisSettings));
        Assert.That(auth.Sentinels with { Instances = [] }, Is.EqualTo(post.Sentinels with { Instances = [] }));
        Assert.That(auth.Proxy, Is.EqualTo(post.Proxy));
    }

    [TestCase("yes")]
    [TestCase("Password")]
    [TestCase("s3cret")]
    public void An_unknown_authentication_value_is_refused_at_its_line(string value)
    {
        var yaml = InventoryFiles.PostText.Replace("nodes:\n", $"authentication: {value}\nnodes:\n");

        var error = Assert.Throws<InventoryException>(() => InventoryLoader.Parse(yaml, "bad.yml"))!;

        Assert.That(error.Message, Does.Contain($"bad.yml:{InventoryFiles.LineOf(yaml, "authentication:")}: authentication '{value}' is unknown"));
        Assert.That(error.Message, Does.Contain("use 'none'").And.Contain("'password'").And.Contain("never write the password here"));
        Assert.That(error.Message, Does.Not.Contain("   at "), "no stack trace");
    }

    [Test]
    public void With_authentication_every_redis_asks_for_the_password_and_logs_in_to_its_master_with_it()
    {
        var inventory = Auth;
        foreach (var instance in inventory.RedisInstances)
        {
            var conf = Lines(RedisConfigFile.RenderRedis(inventory, instance, Password));
            Assert.That(conf.Where(l => l.StartsWith("requirepass ")), Is.EqualTo(new[] { $"requirepass {Password}" }), instance.Name);
            Assert.That(conf.Where(l => l.StartsWith("masterauth ")), Is.EqualTo(new[] { $"masterauth {Password}" }), instance.Name);
        }
    }

    [Test]
    public void With_authentication_every_sentinel_asks_for_the_password_and_logs_in_to_each_shard_with_it()
    {
        var inventory = Auth;
        foreach (var sentinel in inventory.Sentinels.Instances)
        {
            var conf = Lines(RedisConfigFile.RenderSentinel(inventory, sentinel, Password));
            Assert.That(conf.Where(l => l.StartsWith("requirepass ")), Is.EqualTo(new[] { $"requirepass {Password}" }), sentinel.Name);
            Assert.That(conf.Where(l => l.StartsWith("sentinel auth-pass ")),
                Is.EqualTo(inventory.Shards.Select(s => $"sentinel auth-pass {s.SentinelMasterName} {Password}")), sentinel.Name);
        }
    }

    [Test]
    public void With_authentication_the_proxy_pool_has_redis_auth()
    {
        var inventory = Auth;

        var yaml = NutcrackerConfig.FromInventory(inventory, Password).Render();

        Assert.That(Lines(yaml), Does.Contain($"  redis_auth: {Password}"));
        Assert.That(NutcrackerConfig.Parse(yaml).Servers(inventory.Proxy.Pool), Has.Count.EqualTo(2));
    }

    [Test]
    public void Without_authentication_no_config_mentions_a_password()
    {
        var inventory = Post;
        var rendered = inventory.RedisInstances.Select(i => RedisConfigFile.RenderRedis(inventory, i, password: null))
            .Concat(inventory.Sentinels.Instances.Select(s => RedisConfigFile.RenderSentinel(inventory, s, password: null)))
            .Append(NutcrackerConfig.FromInventory(inventory, password: null).Render());

        foreach (var text in rendered)
        {
            Assert.That(text, Does.Not.Contain("requirepass").And.Not.Contain("masterauth").And.Not.Contain("auth-pass").And.Not.Contain("redis_auth"));
        }
    }

    [Test]
    public void A_password_where_the_inventory_has_none_or_none_where_it_has_one_is_a_mistake()
    {
        var auth = Auth;
        var post = Post;

        Assert.That(() => RedisConfigFile.RenderRedis(auth, auth.Shards[0].Master, password: null), Throws.ArgumentException.With.Message.Contains("no password was given"));
        Assert.That(() => RedisConfigFile.RenderSentinel(post, post.Sentinels.Instances[0], Password), Throws.ArgumentException.With.Message.Contains("has no authentication"));
        Assert.That(() => NutcrackerConfig.FromInventory(auth, password: null), Throws.ArgumentException);
    }

    [TestCase("")]
    [TestCase("two words")]
    [TestCase("line\nrequirepass other")]
    [TestCase("quote\"d")]
    [TestCase("hash#comment")]
    [TestCase("colon:yaml")]
    [TestCase("-leading-dash")]
    public void A_password_config_files_cannot_carry_is_refused_without_being_shown(string password)
    {
        var problem = LabPassword.Problem(password);

        Assert.That(problem, Is.Not.Null.And.Contains("Parameters__redis-password"));
        if (password.Length > 0)
        {
            Assert.That(problem, Does.Not.Contain(password));
        }
        var auth = Auth;
        Assert.That(() => RedisConfigFile.RenderRedis(auth, auth.Shards[0].Master, password), Throws.ArgumentException);
    }

    [Test]
    public void A_generated_style_password_is_accepted()
    {
        Assert.That(LabPassword.Problem("aZ09aZ09aZ09aZ09aZ09aZ09aZ09aZ09"), Is.Null);
        Assert.That(LabPassword.Problem(new string('a', LabPassword.MaxLength + 1)), Is.Not.Null);
    }

    [Test]
    public void The_reconfig_services_rewrite_keeps_redis_auth()
    {
        var inventory = Auth;
        var g1 = inventory.Shards.Single(s => s.Name == "g1");
        var config = NutcrackerConfig.Parse(NutcrackerConfig.FromInventory(inventory, Password).Render());

        var change = ProxyConfigTransform.Retarget(config, inventory, g1, new MasterAddress(g1.Replicas[0].Name, g1.Replicas[0].Port));

        var rewritten = ((ProxyConfigChange.Rewrite)change).Config.Render();
        Assert.That(Lines(rewritten), Does.Contain($"  redis_auth: {Password}"));
        Assert.That(Lines(rewritten), Does.Contain($"  - {g1.Replicas[0].Name}:{g1.Replicas[0].Port}:1 g1"));
    }

    private static List<string> Lines(string text) => text.ReplaceLineEndings("\n").Split('\n').ToList();
}
