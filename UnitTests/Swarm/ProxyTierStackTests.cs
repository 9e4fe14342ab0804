using RedisHaLab.Swarm;
using RedisHaLab.Topology;
using RedisHaLab.Topology.Model;
using YamlDotNet.RepresentationModel;

namespace RedisHaLab.UnitTests.Swarm;

/// <summary>
/// The stack of <c>post-2016-proxy-ha.yml</c>: both proxies, each with its own reconfig service sharing its conf
/// volume alone, and HAProxy on every node publishing the front door and its stats page in host mode, while the
/// proxies behind it publish no front door of their own.
/// </summary>
public class ProxyTierStackTests
{
    private const string Password = "s3cretPassw0rdOfTheLab";

    private static readonly StackImages Images = new(
        new("redis-ha-lab/redis:7.0", "redis"), new("redis-ha-lab/twemproxy:0.5.0", "twemproxy"), new("redis-ha-lab/reconfig:lab", "reconfig"), new("redis-ha-lab/haproxy:2.6", "haproxy"));

    private static Inventory ProxyHa => InventoryLoader.Load(Path.Combine(TestContext.CurrentContext.TestDirectory, "inventories", "post-2016-proxy-ha.yml"));

    private static SwarmStack Publish(Inventory inventory, string? password = null) => new(inventory, Images, "#!/bin/sh\n", password);

    private static YamlMappingNode Services(SwarmStack stack)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(stack.StackYaml));
        return (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
    }

    private static YamlNode At(YamlNode node, params string[] path) => path.Aggregate(node, (n, key) => ((YamlMappingNode)n)[key]);

    private static string Text(YamlNode node, params string[] path) => ((YamlScalarNode)At(node, path)).Value!;

    private static bool Has(YamlNode node, string key) => ((YamlMappingNode)node).Children.ContainsKey(key);

    private static IReadOnlyList<YamlMappingNode> Ports(YamlNode service) =>
        Has(service, "ports") ? ((YamlSequenceNode)At(service, "ports")).Children.Cast<YamlMappingNode>().ToList() : [];

    private static IReadOnlyList<string> Volumes(YamlNode service) =>
        Has(service, "volumes") ? ((YamlSequenceNode)At(service, "volumes")).Children.Select(v => Text(v, "source")).ToList() : [];

    private static IReadOnlyList<string> Entrypoint(YamlNode service) =>
        ((YamlSequenceNode)At(service, "entrypoint")).Children.Select(c => ((YamlScalarNode)c).Value!).ToList();

    // Catches: the stack rendering only inventory.Proxy (the first proxy), or leaving out the balancer.
    [Test]
    public void Both_proxies_both_reconfig_services_and_the_load_balancer_are_services()
    {
        var inventory = ProxyHa;
        var services = Services(Publish(inventory));
        Assert.That(services.Children.Keys.Select(k => ((YamlScalarNode)k).Value), Is.EquivalentTo(inventory.ContainerNames));
        foreach (var proxy in inventory.Proxies)
        {
            foreach (var name in new[] { proxy.Name, proxy.ReconfigName })
            {
                Assert.That(((YamlSequenceNode)At(services, name, "deploy", "placement", "constraints")).Children.Select(c => ((YamlScalarNode)c).Value),
                    Is.EqualTo(new[] { $"node.labels.lab.{proxy.Node.Name} == true" }), name);
            }
            Assert.That(Text(services, proxy.ReconfigName, "environment", "Lab__Proxy"), Is.EqualTo(proxy.Name), "each service keeps its own proxy in step");
            Assert.That(Text(services, proxy.Name, "environment", "READINESS_FROM"), Is.EqualTo(proxy.ReconfigName));
            Assert.That(Text(services, proxy.Name, "environment", "READINESS_PORT"), Is.EqualTo("14556"));
        }
    }

    // Catches: both proxies (or both reconfig services) mounting one conf volume, where each service would rewrite the
    // other proxy's config.
    [Test]
    public void Each_proxy_shares_its_own_conf_volume_with_its_own_reconfig_service_only()
    {
        var inventory = ProxyHa;
        var services = Services(Publish(inventory));
        var holders = services.Children
            .SelectMany(s => Volumes(s.Value).Select(v => (Volume: v, Service: ((YamlScalarNode)s.Key).Value!)))
            .GroupBy(h => h.Volume)
            .ToDictionary(g => g.Key, g => g.Select(h => h.Service).ToList());
        foreach (var proxy in inventory.Proxies)
        {
            var volume = Volumes(At(services, proxy.Name)).Single();
            Assert.That(holders[volume], Is.EquivalentTo(new[] { proxy.Name, proxy.ReconfigName }), volume);
        }
    }

    // Catches: the balancer replicated once (losing its host loses the front door), its ports left to the routing mesh
    // (which does not work here), or a proxy still publishing 14555 (on one node it collides with the balancer's).
    [Test]
    public void The_load_balancer_runs_on_every_node_with_host_mode_ports_and_the_proxies_publish_no_front_door()
    {
        var inventory = ProxyHa;
        var balancer = inventory.LoadBalancer!;
        var services = Services(Publish(inventory));
        var haproxy = At(services, balancer.Name);

        Assert.That(Text(haproxy, "deploy", "mode"), Is.EqualTo("global"));
        Assert.That(Has(At(haproxy, "deploy"), "placement") || Has(At(haproxy, "deploy"), "replicas"), Is.False, "one task on every node, whatever its labels");
        Assert.That(Text(haproxy, "image"), Is.EqualTo("redis-ha-lab/haproxy:2.6"));
        Assert.That(Ports(haproxy).Select(p => (Text(p, "target"), Text(p, "published"), Text(p, "mode"))),
            Is.EquivalentTo(new[] { ("14555", "14555", "host"), ("18404", "18404", "host") }));
        foreach (var proxy in inventory.Proxies)
        {
            Assert.That(Ports(At(services, proxy.Name)), Is.Empty, $"{proxy.Name}: reached on the lab network only");
            Assert.That(((YamlSequenceNode)At(services, proxy.Name, "expose")).Children.Select(c => ((YamlScalarNode)c).Value), Is.EqualTo(new[] { "14555" }));
        }
        var published = services.Children.Values.SelectMany(Ports).Select(p => Text(p, "published")).ToList();
        Assert.That(published, Is.Unique, "one node carries every service: two may not publish the same port");
    }

    // Catches: the balancer started on a config it cannot read (not copied where the image's entrypoint reads it), or
    // server lines naming what does not resolve on the stack's network.
    [Test]
    public void The_load_balancer_runs_the_images_haproxy_on_the_rendered_config_naming_each_proxy_by_service_name()
    {
        var inventory = ProxyHa;
        var stack = Publish(inventory);
        var haproxy = At(Services(stack), LoadBalancer.ResourceName);
        var entrypoint = Entrypoint(haproxy);
        var copy = entrypoint.ToList().IndexOf("--copy");
        Assert.That(entrypoint[copy + 2], Is.EqualTo($"{HaproxyConfig.ContainerFolder}/{HaproxyConfig.FileName}"));
        // Behind the start of its own resolver (the shell and its arguments).
        Assert.That(entrypoint.SkipWhile(a => a != "--").Skip(1).Skip(1 + LabResolver.ShellArguments.Count),
            Is.EqualTo(new[] { "/usr/sbin/haproxy", "-W", "-db", "-f", "/etc/redis-ha-lab/haproxy/haproxy.cfg" }));
        var config = stack.Files.Single(f => f.RelativePath == "files/haproxy/haproxy.cfg").Text;
        foreach (var proxy in inventory.Proxies)
        {
            Assert.That(config, Does.Contain($"server {proxy.Name} {proxy.Name}:{proxy.Port} check"), "the service's short name, which Swarm resolves on the stack network");
        }
        Assert.That(stack.Files.Single(f => f.RelativePath == SwarmStack.EnvironmentFileName).Text,
            Does.Contain("\nFRONT_DOOR_PORT=14555\n").And.Contain("redis-ha-lab/haproxy:2.6=haproxy"));
    }

    // Catches: the password secret or the inventory config declared once per reconfig service (a stack Swarm refuses).
    [Test]
    public void With_authentication_each_reconfig_service_reads_the_one_password_secret_and_haproxy_cfg_is_a_secret()
    {
        var auth = InventoryLoader.Load(Path.Combine(TestContext.CurrentContext.TestDirectory, "inventories", "post-2016-auth.yml"));
        // The proxy tier of post-2016-proxy-ha.yml with authentication on: the files differ only in their sections.
        var inventory = ProxyHa with { Authentication = auth.Authentication };
        var stack = Publish(inventory, Password);
        Assert.That(stack.StackYaml, Does.Not.Contain(Password));
        var services = Services(stack);
        foreach (var proxy in inventory.Proxies)
        {
            Assert.That(Entrypoint(At(services, proxy.ReconfigName)), Does.Contain("--env-from-file"));
        }
        Assert.That(Entrypoint(At(services, LoadBalancer.ResourceName)), Does.Contain($"{SwarmStack.SecretFolder}/haproxy.haproxy.cfg"));
        Assert.That(stack.Files.Count(f => f.RelativePath == "files/redis-password"), Is.EqualTo(1));
        Assert.That(stack.Files.Select(f => f.RelativePath), Is.Unique);
    }

    // Catches: the stats port left out of the one-node port check (HAProxy's task would fail to bind it beside a Sentinel's).
    [Test]
    public void A_stats_port_among_the_instances_host_ports_is_refused_before_anything_is_written()
    {
        var folder = Directory.CreateTempSubdirectory("proxy-tier-ports-").FullName;
        try
        {
            var source = Path.Combine(TestContext.CurrentContext.TestDirectory, "inventories", "post-2016-proxy-ha.yml");
            var file = Path.Combine(folder, "stats-clash.yml");
            File.WriteAllText(file, File.ReadAllText(source).Replace("stats_port: 18404", "stats_port: 17003"));
            var output = Path.Combine(folder, "stack");
            Assert.That(() => SwarmPublisher.CheckArguments("swarm", output, InventoryLoader.Load(file)), Throws.TypeOf<SwarmPublishException>()
                .With.Message.EqualTo($"{file}: the load balancer's stats port 17003 falls among the instances' host ports 17000-17006; give load_balancer another 'stats_port'"));
            Assert.That(Directory.Exists(output), Is.False, "nothing written");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
