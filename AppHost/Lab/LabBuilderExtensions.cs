using Microsoft.Extensions.DependencyInjection;
using System.Collections.Immutable;
using System.Net;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RedisHaLab.Topology;

namespace RedisHaLab.AppHost.Lab;

/// <summary>Turns an <see cref="Inventory"/> into Aspire resources: one container per instance, nested under its node.</summary>
internal static class LabBuilderExtensions
{
    /// <summary>Image for redis-server and redis-sentinel, built from <c>containers/redis</c>.</summary>
    public const string RedisImage = "redis-ha-lab/redis";

    /// <summary>Pinned so that a restart reuses the image instead of tagging a new one.</summary>
    public const string RedisImageTag = "7.0";

    /// <summary>Image for twemproxy built from source, from <c>containers/twemproxy</c>.</summary>
    public const string ProxyImage = "redis-ha-lab/twemproxy";

    /// <summary>twemproxy's release.</summary>
    public const string ProxyImageTag = "0.5.0";

    /// <summary>Folder of the proxy's config inside its container (the post's layout).</summary>
    public const string ProxyConfigFolder = "/usr/local/twemproxy/conf";

    /// <summary>
    /// CPU weight (Docker's <c>--cpu-shares</c>, 1024 by default) of the failover path: the proxy, whose restart every
    /// client waits for, and the reconfig service. When the lab's containers compete for the cores (ten of them on
    /// two here), these go first; the weight counts among containers only, not against host processes.
    /// </summary>
    public const string FailoverPathCpuShares = "4096";

    /// <summary>Adds every node and instance of <paramref name="inventory"/>, with health checks and start-up order.</summary>
    public static LabResources AddRedisHaLab(this IDistributedApplicationBuilder builder, Inventory inventory)
    {
        var state = new LabStateFolder(LabOptions.StateFolder(builder, inventory), inventory);
        var secret = LabSecret.For(builder, inventory);
        var containersFolder = Path.Combine(LabOptions.RepositoryRoot(builder), "containers");

        var nodes = inventory.Nodes.ToDictionary(n => n.Name, builder.AddNode);

        var redis = inventory.RedisInstances.ToDictionary(i => i.Name, instance => builder
            .AddLabContainer(instance.Name, Path.Combine(containersFolder, "redis"), RedisImage, RedisImageTag, nodes[instance.Node.Name])
            .WithEntrypoint("redis-server")
            .WithArgs($"{RedisConfigFile.ContainerFolder(instance)}/redis.conf")
            .WithBindMount(state.InstanceFolder(instance.Name), RedisConfigFile.ContainerFolder(instance))
            .WithNodeEndpoint("redis", instance.Node, instance.Port)
            .WithLabHealthCheck(builder, new RedisInstanceHealthCheck(new IPEndPoint(instance.Node.Address, instance.Port), secret)));

        // A replica starts once its master answers, so its first sync succeeds.
        foreach (var shard in inventory.Shards)
        {
            foreach (var replica in shard.Replicas)
            {
                redis[replica.Name].WaitFor(redis[shard.Master.Name]);
            }
        }

        var masterNames = inventory.Shards.Select(s => s.SentinelMasterName).ToList();
        var sentinels = inventory.Sentinels.Instances.Select(sentinel =>
        {
            var resource = builder
                .AddLabContainer(sentinel.Name, Path.Combine(containersFolder, "redis"), RedisImage, RedisImageTag, nodes[sentinel.Node.Name])
                .WithEntrypoint("redis-sentinel")
                .WithArgs($"{RedisConfigFile.SentinelContainerFolder}/sentinel.conf")
                .WithBindMount(state.InstanceFolder(sentinel.Name), RedisConfigFile.SentinelContainerFolder)
                .WithNodeEndpoint("sentinel", sentinel.Node, sentinel.Port)
                .WithLabHealthCheck(builder, new SentinelHealthCheck(new IPEndPoint(sentinel.Node.Address, sentinel.Port), masterNames, secret));
            // Sentinels start after every Redis instance is up, so their first look finds the shards whole.
            foreach (var instance in redis.Values)
            {
                resource.WaitFor(instance);
            }
            return resource;
        }).ToList();

        var proxy = inventory.Proxy;
        var proxyResource = builder
            .AddLabContainer(proxy.Name, Path.Combine(containersFolder, "twemproxy"), ProxyImage, ProxyImageTag, nodes[proxy.Node.Name])
            .WithArgs($"{ProxyConfigFolder}/{proxy.ConfigFileName}")
            .WithContainerRuntimeArgs("--cpu-shares", FailoverPathCpuShares)
            .WithBindMount(state.ProxyConfigFolder, ProxyConfigFolder)
            .WithNodeEndpoint("proxy", proxy.Node, proxy.Port)
            .WithLoopbackEndpoint("front-door", proxy.FrontDoorAddress, proxy.Port)
            .WithLabHealthCheck(builder, new ProxyHealthCheck(new IPEndPoint(proxy.FrontDoorAddress, proxy.Port), secret));
        // The proxy comes last: its backends are the masters, and Sentinel must be watching before traffic flows.
        foreach (var shard in inventory.Shards)
        {
            proxyResource.WaitFor(redis[shard.Master.Name]);
        }
        foreach (var sentinel in sentinels)
        {
            proxyResource.WaitFor(sentinel);
        }

        builder.Eventing.Subscribe<BeforeStartEvent>(async (_, cancellationToken) =>
        {
            // Only now, with the inventory valid and the app about to start: clear what a crashed run left,
            // then write each instance's config for its container to mount.
            await LeftoverContainers.RemoveAsync(state.ContainerNames, cancellationToken);
            state.Render(await secret.GetAsync(cancellationToken));
        });

        return new LabResources(inventory, state, secret, nodes, redis, sentinels, proxyResource);
    }

    private static IResourceBuilder<LabNodeResource> AddNode(this IDistributedApplicationBuilder builder, LabNode node) =>
        builder.AddResource(new LabNodeResource(node.Name, node.Address))
            .ExcludeFromManifest()
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "Node",
                State = KnownResourceStates.Running,
                Properties = [new ResourcePropertySnapshot("node.address", node.Address.ToString())],
            });

    /// <summary>A container of the lab: built from <paramref name="dockerContext"/> under a pinned tag, with a fixed name, nested under its node.</summary>
    internal static IResourceBuilder<ContainerResource> AddLabContainer(this IDistributedApplicationBuilder builder,
        string name, string dockerContext, string image, string tag, IResourceBuilder<LabNodeResource> node) =>
        builder.AddContainer(name, image, tag)
            .WithDockerfile(dockerContext)
            .WithImage(image, tag)
            // Fixed names, so `docker kill node22-redis-4501` reads like the post's `kill`.
            .WithContainerName(name)
            .WithParentRelationship(node);

    /// <summary>Publishes <paramref name="port"/> on the node's own loopback address, as the post's hosts listen on theirs.</summary>
    private static IResourceBuilder<ContainerResource> WithNodeEndpoint(this IResourceBuilder<ContainerResource> resource,
        string name, LabNode node, int port) =>
        resource.WithLoopbackEndpoint(name, node.Address, port);

    private static IResourceBuilder<ContainerResource> WithLoopbackEndpoint(this IResourceBuilder<ContainerResource> resource,
        string name, IPAddress address, int port) =>
        // Not proxied: the port is the post's port, and a killed container really closes it.
        resource.WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: name, isProxied: false)
            .WithEndpoint(name, endpoint => endpoint.TargetHost = address.ToString());

    private static IResourceBuilder<ContainerResource> WithLabHealthCheck(this IResourceBuilder<ContainerResource> resource,
        IDistributedApplicationBuilder builder, IHealthCheck check)
    {
        var key = $"{resource.Resource.Name}-health";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(key, _ => check, HealthStatus.Unhealthy, tags: null));
        return resource.WithHealthCheck(key);
    }
}

/// <summary>The lab's resources, for callers that add more on top (the reconfig service, commands).</summary>
internal sealed record LabResources(
    Inventory Inventory,
    LabStateFolder State,
    LabSecret Secret,
    IReadOnlyDictionary<string, IResourceBuilder<LabNodeResource>> Nodes,
    IReadOnlyDictionary<string, IResourceBuilder<ContainerResource>> Redis,
    IReadOnlyList<IResourceBuilder<ContainerResource>> Sentinels,
    IResourceBuilder<ContainerResource> Proxy);
