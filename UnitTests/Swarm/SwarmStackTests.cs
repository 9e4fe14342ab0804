using RedisHaLab.Swarm;
using RedisHaLab.Topology;
using RedisHaLab.UnitTests.Topology;
using YamlDotNet.RepresentationModel;

namespace RedisHaLab.UnitTests.Swarm;

/// <summary>
/// The published stack's shape, read back from the YAML text the publisher writes (no Docker): every instance a
/// service on its inventory node, one overlay network, host-mode ports, no Docker socket, chosen restart policies.
/// </summary>
public class SwarmStackTests
{
    private const string Password = "s3cretPassw0rdOfTheLab";

    private static readonly StackImages Images = new(
        new("redis-ha-lab/redis:7.0", "redis"), new("redis-ha-lab/twemproxy:0.5.0", "twemproxy"), new("redis-ha-lab/reconfig:lab", "reconfig"), new("redis-ha-lab/haproxy:2.6", "haproxy"));

    private static Inventory Post => InventoryLoader.Load(InventoryFiles.PostPath);

    private static Inventory Auth => InventoryLoader.Load(Path.Combine(TestContext.CurrentContext.TestDirectory, "inventories", "post-2016-auth.yml"));

    private static SwarmStack Publish(Inventory inventory, string? password = null) => new(inventory, Images, "#!/bin/sh\n", password);

    private static YamlMappingNode Read(SwarmStack stack)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(stack.StackYaml));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static YamlMappingNode Map(YamlNode node, params string[] path) =>
        (YamlMappingNode)path.Aggregate(node, (n, key) => ((YamlMappingNode)n)[key]);

    private static string Text(YamlNode node, params string[] path) =>
        ((YamlScalarNode)path.Aggregate(node, (n, key) => ((YamlMappingNode)n)[key])).Value!;

    private static IEnumerable<(string Name, YamlMappingNode Service)> Services(YamlMappingNode root) =>
        Map(root, "services").Children.Select(c => (((YamlScalarNode)c.Key).Value!, (YamlMappingNode)c.Value));

    private static IReadOnlyList<string> List(YamlNode node, params string[] path) =>
        ((YamlSequenceNode)path.Aggregate(node, (n, key) => ((YamlMappingNode)n)[key])).Children.Select(c => ((YamlScalarNode)c).Value!).ToList();

    [Test]
    public void Every_instance_is_a_service_placed_on_its_inventory_node_by_that_nodes_label()
    {
        var inventory = Post;
        var root = Read(Publish(inventory));
        var expected = inventory.RedisInstances.Select(i => (Name: i.Name, Node: i.Node.Name))
            .Concat(inventory.Sentinels.Instances.Select(s => (Name: s.Name, Node: s.Node.Name)))
            .Append((Name: inventory.Proxy.Name, Node: inventory.Proxy.Node.Name))
            .Append((Name: inventory.Proxy.ReconfigName, Node: inventory.Proxy.Node.Name))
            .ToList();

        Assert.That(Text(root, "version"), Is.EqualTo("3.8"));
        Assert.That(Services(root).Select(s => s.Name), Is.EquivalentTo(expected.Select(e => e.Name)));
        foreach (var (name, node) in expected)
        {
            var service = Map(root, "services", name);
            Assert.That(List(service, "deploy", "placement", "constraints"), Is.EqualTo(new[] { $"node.labels.lab.{node} == true" }), name);
            Assert.That(Text(service, "deploy", "replicas"), Is.EqualTo("1"), name);
        }
    }

    [Test]
    public void Every_service_is_on_the_one_overlay_network_with_names_resolving_to_tasks()
    {
        var root = Read(Publish(Post));
        Assert.That(Map(root, "networks").Children.Keys.Select(k => ((YamlScalarNode)k).Value), Is.EqualTo(new[] { "lab" }));
        Assert.That(Text(root, "networks", "lab", "driver"), Is.EqualTo("overlay"));
        foreach (var (name, service) in Services(root))
        {
            Assert.That(List(service, "networks"), Is.EqualTo(new[] { "lab" }), name);
            Assert.That(Text(service, "deploy", "endpoint_mode"), Is.EqualTo("dnsrr"), name);
        }
    }

    [Test]
    public void Ports_are_host_mode_the_front_door_on_the_proxy_and_each_instance_on_its_own_host_port()
    {
        var inventory = Post;
        var root = Read(Publish(inventory));
        var published = new List<string>();
        foreach (var (name, service) in Services(root))
        {
            if (!service.Children.ContainsKey("ports"))
            {
                Assert.That(name, Is.EqualTo(inventory.Proxy.ReconfigName), "only the reconfig service publishes nothing");
                continue;
            }
            foreach (var port in ((YamlSequenceNode)service["ports"]).Children.Cast<YamlMappingNode>())
            {
                Assert.That(Text(port, "mode"), Is.EqualTo("host"), $"{name}: the routing mesh does not work here");
                published.Add(Text(port, "published"));
            }
        }
        Assert.That(published, Is.Unique, "one node carries every service: two may not publish the same port");
        var frontDoor = ((YamlSequenceNode)Map(root, "services", inventory.Proxy.Name)["ports"]).Children.Cast<YamlMappingNode>().Single();
        Assert.That((Text(frontDoor, "target"), Text(frontDoor, "published")), Is.EqualTo(("14555", "14555")));
        var g1Replica = ((YamlSequenceNode)Map(root, "services", "node24-redis-4500")["ports"]).Children.Cast<YamlMappingNode>().Single();
        Assert.That((Text(g1Replica, "target"), Text(g1Replica, "published")),
            Is.EqualTo(("4500", RedisHaLab.Topology.SwarmHostPorts.Of(inventory, "node24-redis-4500").ToString())));
    }

    [Test]
    public void No_service_mounts_the_Docker_socket_or_any_host_path()
    {
        var stack = Publish(Post);
        Assert.That(stack.StackYaml, Does.Not.Contain("docker.sock"));
        foreach (var (name, service) in Services(Read(stack)))
        {
            foreach (var volume in ((YamlSequenceNode)service["volumes"]).Children.Cast<YamlMappingNode>())
            {
                Assert.That(Text(volume, "type"), Is.EqualTo("volume"), $"{name} mounts only named volumes");
            }
        }
    }

    [Test]
    public void The_reconfig_service_shares_only_the_proxys_conf_volume_on_the_proxys_node()
    {
        var inventory = Post;
        var root = Read(Publish(inventory));
        var proxy = Map(root, "services", inventory.Proxy.Name);
        var reconfig = Map(root, "services", inventory.Proxy.ReconfigName);
        string Volume(YamlMappingNode s) => Text(((YamlSequenceNode)s["volumes"]).Children.Single(), "source");
        Assert.That(Volume(reconfig), Is.EqualTo(Volume(proxy)));
        Assert.That(Text(((YamlSequenceNode)reconfig["volumes"]).Children.Single(), "target"), Is.EqualTo("/usr/local/twemproxy/conf"));
        Assert.That(List(reconfig, "deploy", "placement", "constraints"), Is.EqualTo(List(proxy, "deploy", "placement", "constraints")));
        Assert.That(Text(reconfig, "environment", "Lab__ProxyConfigFile"), Is.EqualTo("/usr/local/twemproxy/conf/redis_14555.yml"));
    }

    [Test]
    public void Sentinel_runs_on_a_writable_copy_of_its_config_in_its_own_volume()
    {
        var root = Read(Publish(Post));
        var sentinel = Map(root, "services", "node23-sentinel");
        var entrypoint = List(sentinel, "entrypoint");
        var copy = entrypoint.ToList().IndexOf("--copy");
        Assert.That(copy, Is.GreaterThan(0));
        Assert.That(entrypoint[copy + 1], Is.EqualTo("/etc/redis-ha-lab/node23-sentinel.sentinel.conf"), "the read-only config");
        Assert.That(entrypoint[copy + 2], Is.EqualTo("/data/nosql/sentinel/sentinel.conf"), "the writable copy");
        Assert.That(entrypoint.Skip(entrypoint.Count - 2), Is.EqualTo(new[] { "redis-sentinel", "/data/nosql/sentinel/sentinel.conf" }), "Sentinel runs on the copy");
        Assert.That(Text(((YamlSequenceNode)sentinel["volumes"]).Children.Single(), "target"), Is.EqualTo("/data/nosql/sentinel"), "the copy is in the volume");
    }

    [Test]
    public void Every_dollar_of_a_command_or_variable_is_escaped_so_compose_hands_it_on_as_written()
    {
        var root = Read(Publish(Post));
        foreach (var (name, service) in Services(root))
        {
            var values = List(service, "entrypoint").ToList();
            if (service.Children.ContainsKey("environment"))
            {
                values.AddRange(Map(service, "environment").Children.Select(c => ((YamlScalarNode)c.Value).Value!));
            }
            // compose reads "$$" as "$" and interpolates any other '$' (the resolver's start script ends in exec "$@").
            Assert.That(values.Where(v => v.Replace("$$", "", StringComparison.Ordinal).Contains('$')), Is.Empty, name);
            Assert.That(values.Any(v => v.Contains("exec \"$$@\"", StringComparison.Ordinal)), Is.True, $"{name} starts its resolver, then execs its program");
        }
        Assert.That(SwarmStack.Literal("a $1 and $$"), Has.Property("Value").EqualTo("a $$1 and $$$$"));
    }

    [Test]
    public void Every_service_has_its_own_loopback_as_its_only_dns_server()
    {
        var root = Read(Publish(Post));
        foreach (var (name, service) in Services(root))
        {
            Assert.That(List(service, "dns"), Is.EqualTo(new[] { "127.0.0.1" }), name);
        }
    }

    [Test]
    public void A_killed_Redis_is_restarted_only_after_its_shard_had_time_to_fail_over()
    {
        var inventory = Post;
        var root = Read(Publish(inventory));
        foreach (var (name, service) in Services(root))
        {
            Assert.That(Text(service, "deploy", "restart_policy", "condition"), Is.EqualTo("on-failure"), $"{name}: a clean stop stays stopped");
        }
        foreach (var instance in inventory.RedisInstances)
        {
            var delay = Text(Map(root, "services", instance.Name), "deploy", "restart_policy", "delay");
            Assert.That(int.Parse(delay.TrimEnd('m', 's')), Is.GreaterThan(inventory.Sentinels.DownAfterMilliseconds),
                $"{instance.Name}: a master back before down-after returns empty and its replica copies the empty set");
        }
    }

    [Test]
    public void With_authentication_the_password_is_only_in_secrets_never_in_the_stack_file_or_a_config()
    {
        var stack = Publish(Auth, Password);
        Assert.That(stack.StackYaml, Does.Not.Contain(Password));
        var root = Read(stack);
        var configFiles = Map(root, "configs").Children.Values.Select(v => Text(v, "file").TrimStart('.', '/')).ToList();
        foreach (var file in stack.Files.Where(f => configFiles.Contains(f.RelativePath)))
        {
            Assert.That(file.Text, Does.Not.Contain(Password), file.RelativePath);
        }
        Assert.That(Map(root, "secrets").Children.Count, Is.GreaterThan(0));
        Assert.That(List(Map(root, "services", Auth.Proxy.ReconfigName), "entrypoint"), Does.Contain("--env-from-file"));
    }

    [Test]
    public void Every_file_the_stack_file_names_is_among_the_files_written()
    {
        var stack = Publish(Auth, Password);
        var root = Read(stack);
        var named = Map(root, "configs").Children.Values.Concat(Map(root, "secrets").Children.Values).Select(v => Text(v, "file").TrimStart('.', '/'));
        Assert.That(named, Is.SubsetOf(stack.Files.Select(f => f.RelativePath)));
    }

    [Test]
    public void Bad_arguments_are_refused_before_anything_is_written()
    {
        var inventory = Post;
        var folder = Path.Combine(Path.GetTempPath(), $"swarm-publish-test-{Guid.NewGuid():N}");
        Assert.That(() => SwarmPublisher.CheckArguments("kubernetes", folder, inventory),
            Throws.TypeOf<SwarmPublishException>().With.Message.Contains("--publish swarm --output"));
        Assert.That(() => SwarmPublisher.CheckArguments("swarm", null, inventory),
            Throws.TypeOf<SwarmPublishException>().With.Message.Contains("--output <folder>"));
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, "notes.txt"), "mine");
            Assert.That(() => SwarmPublisher.CheckArguments("swarm", folder, inventory),
                Throws.TypeOf<SwarmPublishException>().With.Message.Contains("other things in it (no .redis-ha-lab-stack, the mark of a publish)"));
            Assert.That(Directory.EnumerateFileSystemEntries(folder), Has.Exactly(1).Items, "nothing written");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        Assert.That(Directory.Exists(folder), Is.False);
    }

    [Test]
    public void A_publish_writes_every_file_and_replaces_an_earlier_one()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"swarm-publish-test-{Guid.NewGuid():N}");
        try
        {
            var stack = Publish(Post);
            SwarmPublisher.Write(stack, SwarmPublisher.CheckArguments("swarm", folder, Post));
            File.WriteAllText(Path.Combine(folder, "files", "stale.conf"), "from before");
            SwarmPublisher.Write(stack, SwarmPublisher.CheckArguments("swarm", folder, Post));
            var written = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f));
            Assert.That(written, Is.EquivalentTo(stack.Files.Select(f => f.RelativePath)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // Catches: the prefix dropped from the stack file or from swarm.env (the nodes would look for the local names).
    [Test]
    public void An_image_prefix_puts_every_service_and_every_image_to_build_under_that_registry()
    {
        var stack = new SwarmStack(Post, Images.UnderPrefix("10.0.0.5:5000/lab"), "#!/bin/sh\n", null);
        var images = Services(Read(stack)).Select(s => Text(s.Service, "image")).Distinct();
        Assert.That(images, Is.EquivalentTo(new[]
            { "10.0.0.5:5000/lab/redis-ha-lab/redis:7.0", "10.0.0.5:5000/lab/redis-ha-lab/twemproxy:0.5.0", "10.0.0.5:5000/lab/redis-ha-lab/reconfig:lab" }));
        Assert.That(stack.Files.Single(f => f.RelativePath == "swarm.env").Text,
            Does.Contain("\nIMAGES=10.0.0.5:5000/lab/redis-ha-lab/redis:7.0=redis 10.0.0.5:5000/lab/redis-ha-lab/twemproxy:0.5.0=twemproxy 10.0.0.5:5000/lab/redis-ha-lab/reconfig:lab=reconfig\n"));
        Assert.That(Images.UnderPrefix(null), Is.SameAs(Images));
    }

    [TestCase("http://10.0.0.5:5000")]
    [TestCase("10.0.0.5:5000/")]
    [TestCase("10.0.0.5:5000/Lab")]
    [TestCase("registry host")]
    [TestCase("")]
    public void A_prefix_that_cannot_begin_an_image_reference_is_refused_with_the_form_it_takes(string prefix)
    {
        Assert.That(() => Images.UnderPrefix(prefix), Throws.TypeOf<SwarmPublishException>()
            .With.Message.Contains($"--image-prefix '{prefix}' is not how an image reference begins").And.Message.Contains("e.g. --image-prefix 10.0.0.5:5000/lab"));
    }

    [TestCase("localhost:5000")]
    [TestCase("images.lab.internal")]
    [TestCase("10.0.0.5:5000/team/redis-ha_lab")]
    public void A_registry_host_with_a_port_and_a_path_is_taken(string prefix) =>
        Assert.That(Images.UnderPrefix(prefix).Redis.Reference, Is.EqualTo($"{prefix}/redis-ha-lab/redis:7.0"));
}
