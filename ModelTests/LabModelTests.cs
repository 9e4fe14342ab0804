using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using RedisHaLab.AppHost.Lab;
using RedisHaLab.Topology;
using RedisHaLab.Topology.Model;

namespace RedisHaLab.ModelTests;

/// <summary>
/// The AppHost's model of an inventory, as Aspire builds it before anything starts: which resources exist, of which
/// type, where they listen, what they wait for, how their health is judged, what they offer, and the connection
/// strings a referencing app gets.
/// </summary>
[TestFixture("post-2016.yml")]
[TestFixture("post-2016-auth.yml")]
public sealed class LabModelTests(string inventoryFile) : AppHostModelFixture(inventoryFile)
{
    [Test]
    public void Every_Redis_instance_is_a_Redis_resource_on_its_nodes_address_and_port_not_proxied()
    {
        foreach (var instance in inventory.RedisInstances)
        {
            var redis = Resource<RedisResource>(instance.Name);
            var endpoint = redis.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "tcp");
            Assert.That((endpoint.TargetHost, endpoint.Port, endpoint.TargetPort, endpoint.IsProxied),
                Is.EqualTo((instance.Node.Address.ToString(), (int?)instance.Port, (int?)instance.Port, false)), instance.Name);
            Assert.That(redis.PasswordParameter is not null, Is.EqualTo(inventory.Authentication == LabAuthentication.Password),
                $"{instance.Name}'s connection string carries the lab's password exactly when the lab has one");
        }
    }

    [TestCase(DistributedApplicationOperation.Run)]
    [TestCase(DistributedApplicationOperation.Publish)]
    public async Task Every_Redis_instance_is_Aspires_Redis_type_running_the_labs_image_on_its_own_redis_conf_alone(DistributedApplicationOperation operation)
    {
        foreach (var instance in inventory.RedisInstances)
        {
            var redis = Resource<RedisResource>(instance.Name);

            var image = redis.Annotations.OfType<ContainerImageAnnotation>().Single();
            Assert.That((image.Registry, image.Image, image.Tag), Is.EqualTo(((string?)null, LabImages.Redis.Image, LabImages.Redis.Tag)), instance.Name);
            // AddRedis's `/bin/sh -c "redis-server --requirepass $REDIS_PASSWORD --save …"` would put the password on the
            // command line and in the environment; the lab's is in the rendered redis.conf.
            // Behind the start of its own resolver (LabResolver), which execs redis-server.
            Assert.That(redis.Entrypoint, Is.EqualTo(LabResolver.Shell), instance.Name);
            var arguments = new List<object>();
            var environment = new Dictionary<string, object>();
            var context = new DistributedApplicationExecutionContext(operation);
            foreach (var callback in redis.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
            {
                await callback.Callback(new CommandLineArgsCallbackContext(arguments) { ExecutionContext = context });
            }
            foreach (var callback in redis.Annotations.OfType<EnvironmentCallbackAnnotation>())
            {
                await callback.Callback(new EnvironmentCallbackContext(context, environment));
            }
            Assert.That(arguments, Is.EqualTo(LabResolver.ShellArguments.Append("redis-server").Append($"{RedisConfigFile.ContainerFolder(instance)}/redis.conf")), instance.Name);
            Assert.That(environment.Keys, Is.Empty, $"{instance.Name}: no REDIS_PASSWORD");
#pragma warning disable ASPIRECONTAINERSHELLEXECUTION001
            Assert.That(redis.ShellExecution, Is.Not.True, $"{instance.Name}: its argument is not wrapped in `-c \"…\"`");
#pragma warning restore ASPIRECONTAINERSHELLEXECUTION001

            var endpoint = redis.Annotations.OfType<EndpointAnnotation>().Single();
            Assert.That((endpoint.Name, endpoint.UriScheme, endpoint.TargetHost, endpoint.Port, endpoint.IsProxied, endpoint.TlsEnabled),
                Is.EqualTo((LabRedis.PrimaryEndpointName, "redis", instance.Node.Address.ToString(), (int?)instance.Port, false, false)), instance.Name);
            // The lab's health check alone, not AddRedis's `<name>_check`.
            Assert.That(redis.Annotations.OfType<HealthCheckAnnotation>().Select(h => h.Key), Is.EqualTo(new[] { $"{instance.Name}-health" }), instance.Name);
        }
    }

    [Test]
    public async Task Each_Redis_instances_connection_string_is_host_port_and_the_labs_password_with_no_tls()
    {
        foreach (var instance in inventory.RedisInstances)
        {
            var expression = Resource<RedisResource>(instance.Name).ConnectionStringExpression;
            var passwordPart = inventory.Authentication == LabAuthentication.Password ? ",password={redis-password.value}" : "";
            // Aspire's RedisResource ends its connection string with a condition on the endpoint's TLS (",ssl=true").
            Assert.That(expression.ValueExpression, Does.Match(
                $@"^{Regex.Escape($"{{{instance.Name}.bindings.tcp.host}}:{{{instance.Name}.bindings.tcp.port}}{passwordPart}")}\{{cond-[^}}]+\}}$"), instance.Name);
            var tls = (IValueProvider)expression.ValueProviders[^1];
            Assert.That(await tls.GetValueAsync(), Is.Null.Or.Empty, $"{instance.Name}: no TLS, so nothing after host:port[,password=...]");
        }
    }

    [Test]
    public void The_front_door_is_a_connection_string_for_twemproxy_clients()
    {
        var proxy = Resource<IResourceWithConnectionString>(inventory.Proxy.Name);
        var expression = proxy.ConnectionStringExpression.ValueExpression;

        var passwordPart = inventory.Authentication == LabAuthentication.Password ? ",password={redis-password.value}" : "";
        Assert.That(expression, Is.EqualTo(
            $"{{{inventory.Proxy.Name}.bindings.front-door.host}}:{{{inventory.Proxy.Name}.bindings.front-door.port}},proxy=Twemproxy,tiebreaker={passwordPart}"));
        var frontDoor = ((IResource)proxy).Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "front-door");
        Assert.That((frontDoor.TargetHost, frontDoor.Port, frontDoor.IsProxied),
            Is.EqualTo((inventory.Proxy.FrontDoorAddress?.ToString(), (int?)inventory.Proxy.Port, false)));
    }

    [Test]
    public void Each_shard_is_a_connection_string_naming_every_Sentinel_and_its_service()
    {
        foreach (var shard in inventory.Shards)
        {
            var expression = Resource<IResourceWithConnectionString>(shard.Name).ConnectionStringExpression.ValueExpression;

            var sentinels = inventory.Sentinels.Instances.Select(s => $"{{{s.Name}.bindings.sentinel.host}}:{{{s.Name}.bindings.sentinel.port}}");
            var passwordPart = inventory.Authentication == LabAuthentication.Password ? ",password={redis-password.value}" : "";
            Assert.That(expression, Is.EqualTo($"{string.Join(",", sentinels)},serviceName={shard.SentinelMasterName}{passwordPart}"));
        }
    }

    [Test]
    public void The_sample_app_gets_the_front_door_and_a_shard_by_reference_and_waits_for_the_proxy()
    {
        var app = Resource<ProjectResource>("sample-app");

        var references = app.Annotations.OfType<ResourceRelationshipAnnotation>().Where(r => r.Type == "Reference").Select(r => r.Resource.Name);
        Assert.That(references, Is.EquivalentTo(new[] { inventory.Proxy.Name, inventory.Shards[0].Name }));
        Assert.That(WaitsOf(app), Is.EquivalentTo(new[] { inventory.Proxy.Name }));
    }

    [Test]
    public async Task The_sample_app_gets_the_shards_in_the_rings_order_to_measure_each_apart()
    {
        var environment = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run));
        foreach (var callback in Resource<ProjectResource>("sample-app").Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(environment);
        }

        Assert.That(environment.EnvironmentVariables[SampleApp.ShardsVariable], Is.EqualTo("g1,g2"));
        Assert.That(environment.EnvironmentVariables[SampleApp.RingVariable], Is.EqualTo("g1,g2"), "these inventories name servers by shard");
    }

    [Test]
    public void Redis_the_proxy_and_its_reconfig_service_start_at_once_Sentinels_once_every_Redis_container_runs()
    {
        // No health is waited for: a replica retries its sync, the proxy's supervisor retries a name that does not
        // resolve yet, the service retries Sentinels; a wait for health would put a check's backoff on the lab's path.
        string[] parts = [.. inventory.RedisInstances.Select(i => i.Name), inventory.Proxy.Name, inventory.Proxy.ReconfigName];
        foreach (var part in parts)
        {
            Assert.That(WaitsOf(Resource<ContainerResource>(part)), Is.Empty, $"{part} waits for nothing");
        }
        // A Sentinel started before a master's container runs would see it down and, knowing its replica from its
        // config, fail the shard over before the lab has begun.
        foreach (var sentinel in inventory.Sentinels.Instances)
        {
            Assert.That(Resource<ContainerResource>(sentinel.Name).Annotations.OfType<WaitAnnotation>().Select(w => (w.Resource.Name, w.WaitType)),
                Is.EquivalentTo(inventory.RedisInstances.Select(i => (i.Name, WaitType.WaitUntilStarted))), sentinel.Name);
        }
    }

    [Test]
    public void Every_container_has_a_health_check_and_none_mounts_the_Docker_socket()
    {
        foreach (var container in builder.Resources.OfType<ContainerResource>())
        {
            Assert.That(container.Annotations.OfType<HealthCheckAnnotation>().Any(), Is.True,
                $"{container.Name}: a lab health check (the reconfig service's: its proxy protected, ready means protected)");
            Assert.That(container.Annotations.OfType<ContainerMountAnnotation>().Select(m => m.Source ?? ""),
                Has.None.Contains("docker.sock"), container.Name);
        }
    }

    [Test]
    public void Every_Redis_instance_and_Sentinel_offers_the_chaos_faults_and_each_instance_its_isolation_and_its_shards_failover()
    {
        string[] faults = ["chaos-kill", "chaos-pause", "chaos-resume", "chaos-partition", "chaos-heal"];
        foreach (var instance in inventory.RedisInstances)
        {
            Assert.That(CommandsOf(Resource<RedisResource>(instance.Name)),
                Is.SupersetOf(faults.Append("chaos-isolate").Append($"chaos-failover-{instance.ShardName}").Append($"chaos-switchover-{instance.ShardName}")), instance.Name);
        }
        foreach (var sentinel in inventory.Sentinels.Instances)
        {
            Assert.That(CommandsOf(Resource<ContainerResource>(sentinel.Name)), Is.SupersetOf(faults), sentinel.Name);
            // A Sentinel has no shard and no Sentinels to be cut off from: the validator refuses it in a playbook too.
            Assert.That(CommandsOf(Resource<ContainerResource>(sentinel.Name)), Does.Not.Contain("chaos-isolate"), sentinel.Name);
        }
        foreach (var node in inventory.Nodes)
        {
            Assert.That(CommandsOf(Resource<IResource>(node.Name)), Does.Contain("chaos-kill-node"), node.Name);
        }
    }

    [Test]
    public void Every_lab_container_is_nested_under_its_node_with_the_name_Docker_gives_it()
    {
        var nodeOf = inventory.RedisInstances.Select(i => (i.Name, i.Node.Name))
            .Concat(inventory.Sentinels.Instances.Select(s => (s.Name, s.Node.Name)))
            .Append((inventory.Proxy.Name, inventory.Proxy.Node.Name))
            .Append((inventory.Proxy.ReconfigName, inventory.Proxy.Node.Name));
        foreach (var (name, node) in nodeOf)
        {
            var container = Resource<ContainerResource>(name);
            Assert.That(container.Annotations.OfType<ResourceRelationshipAnnotation>().Single(r => r.Type == "Parent").Resource.Name, Is.EqualTo(node), name);
            Assert.That(container.Annotations.OfType<ContainerNameAnnotation>().Single().Name, Is.EqualTo(name), name);
        }
    }

    [Test]
    public async Task Without_the_sample_app_the_lab_is_the_same_minus_that_one_resource()
    {
        var path = InventoryPath;
        await using var without = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["--inventory", path, "--sample-app", "false"]);

        var missing = builder.Resources.Select(r => r.Name).Except(without.Resources.Select(r => r.Name)).ToList();
        var added = without.Resources.Select(r => r.Name).Except(builder.Resources.Select(r => r.Name)).ToList();
        // Aspire adds a companion resource for each project (its rebuilder): it goes with the app.
        Assert.That(missing, Is.Not.Empty.And.All.StartsWith("sample-app"), "only the sample app and what Aspire adds for it are left out");
        Assert.That(added, Is.Empty);
    }

    private static IEnumerable<string> WaitsOf(IResource resource) =>
        resource.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name);

    private static IEnumerable<string> CommandsOf(IResource resource) =>
        resource.Annotations.OfType<ResourceCommandAnnotation>().Select(c => c.Name);
}

internal static class Repository
{
    /// <summary>The repository root: the folder that holds Lab.sln, found upwards from the test's output folder.</summary>
    public static string Root { get; } = Find(AppContext.BaseDirectory);

    private static string Find(string folder) =>
        File.Exists(Path.Combine(folder, "Lab.sln")) ? folder : Find(Path.GetDirectoryName(folder) ?? throw new InvalidOperationException("Lab.sln not found above the tests"));
}
