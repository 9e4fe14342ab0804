using Microsoft.Extensions.DependencyInjection;
using System.Collections.Immutable;
using System.Net;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RedisHaLab.Topology;
using RedisHaLab.Topology.Model;

namespace RedisHaLab.AppHost.Lab;

/// <summary>Turns an <see cref="Inventory"/> into Aspire resources: one container per instance, nested under its node.</summary>
internal static class LabBuilderExtensions
{
    /// <summary>
    /// CPU weight (Docker's <c>--cpu-shares</c>, 1024 by default) of the failover path (<see cref="LabPart.OnFailoverPath"/>):
    /// the proxy, whose restart every client waits for, and the reconfig service. When the lab's containers compete for the cores (ten of them on
    /// two here), these go first; the weight counts among containers only, not against host processes.
    /// </summary>
    public const string FailoverPathCpuShares = "4096";

    /// <summary>
    /// Restarts a container whose main process dies on its own (a crash, an OOM kill): Docker's <c>on-failure</c>, the
    /// condition the Swarm stack uses too (<see cref="RestartPolicies.Condition"/>), restarted after 0.1 s, then twice as
    /// long each time. A <c>docker stop</c> or <c>docker kill</c> (the lab's own faults) counts as stopped by hand and is
    /// left stopped. Given to every part the model may restart at once (<see cref="PartRestart.AtOnceIsSafe"/>): the
    /// Sentinels, the proxies, their reconfig services and the load balancer; not to Redis: a master restarted at once
    /// comes back empty before its Sentinels see it down, and its replica copies the empty data set (see
    /// <see cref="RestartPolicies"/>; Docker cannot wait the 12.5 s Swarm waits).
    /// </summary>
    internal static IResourceBuilder<T> WithRestartAfterCrash<T>(this IResourceBuilder<T> resource) where T : ContainerResource =>
        resource.WithContainerRuntimeArgs("--restart", RestartPolicies.Condition);

    /// <summary>Adds every node and instance of <paramref name="inventory"/>, with health checks and start-up order.</summary>
    public static LabResources AddRedisHaLab(this IDistributedApplicationBuilder builder, Inventory inventory)
    {
        // Each part's facts (image, command, environment, ports, files, restart, start order) come from the lab's
        // model, which the Swarm stack renders too; what is Aspire's alone (health checks, icons, URLs) is added here.
        var model = LabModel.Of(inventory);
        var state = new LabStateFolder(LabOptions.StateFolder(builder, inventory), model);
        var secret = LabSecret.For(builder, inventory);
        var password = secret.Parameter?.Resource;
        var root = LabOptions.RepositoryRoot(builder);

        var nodes = inventory.Nodes.ToDictionary(n => n.Name, builder.AddNode);

        // Aspire's RedisResource, without AddRedis's defaults (see LabRedis for which and why): the lab's local image,
        // the instance's redis.conf, a fixed port on its node's address, Aspire's connection string.
        var redis = inventory.RedisInstances.ToDictionary(i => i.Name, instance => builder
            .AddLabPart(LabRedis.Resource(instance.Name, password), model[instance.Name], state, root, nodes)
            .WithPartEndpoints(model[instance.Name], _ => (LabRedis.PrimaryEndpointName, LabRedis.UriScheme))
            .WithIconName("Database")
            .WithLabHealthCheck(builder, new RedisInstanceHealthCheck(new IPEndPoint(instance.Node.Address, instance.Port), secret)));

        // Every instance starts at once (the model gives Redis no wait): waiting for a master's health would put a
        // container start and a health check on the lab's path.

        var sentinels = inventory.Sentinels.Instances.Select(sentinel => builder
            .AddLabPart(new SentinelResource(sentinel.Name), model[sentinel.Name], state, root, nodes)
            .WithPartEndpoints(model[sentinel.Name], _ => (SentinelResource.EndpointName, "tcp"))
            .WithLabHealthCheck(builder, new SentinelHealthCheck(new IPEndPoint(sentinel.Node.Address, sentinel.Port), inventory, secret))
            // Once every Redis container runs, not once each answers: their health says when they know the shards.
            .WithPartWaits(model[sentinel.Name], redis.ToDictionary(r => r.Key, r => (IResourceBuilder<IResource>)r.Value))).ToList();

        // One resource per shard: Sentinel-aware clients reference it, and its row says who masters the shard.
        var shards = inventory.Shards.ToDictionary(s => s.Name, shard => builder
            .AddResource(new LabShardResource(shard, sentinels.Select(s => s.Resource).ToList(), password))
            .ExcludeFromManifest()
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "Shard",
                State = new ResourceStateSnapshot("waiting for its instances", KnownResourceStateStyles.Info),
                Properties = [new ResourcePropertySnapshot("shard.sentinel-master-name", shard.SentinelMasterName)],
            }));

        var proxies = inventory.Proxies.Select(proxy => builder
            .AddLabPart(new TwemproxyResource(proxy.Name, password, hasFrontDoor: proxy.FrontDoorAddress is not null), model[proxy.Name], state, root, nodes)
            .WithPartEndpoints(model[proxy.Name], role => (role == PortRole.FrontDoor ? TwemproxyResource.FrontDoorEndpointName : TwemproxyResource.NodeEndpointName, "tcp"))
            // Writes and reads a key on every shard; Aspire re-runs it only every 30 s while it passes (see WithLabHealthCheck).
            .WithLabHealthCheck(builder, ProxyHealthCheck.For(inventory, proxy.Name, new IPEndPoint(proxy.Node.Address, proxy.Port), secret)))
            // The proxy starts with Redis too (the model's waits for it are for names only): whether the lab is
            // protected is the reconfig service's answer, not the start order's.
            .ToList();
        var frontDoor = inventory.LoadBalancer is null
            ? (IResourceBuilder<IResourceWithConnectionString>)proxies[0]
            : builder.AddLoadBalancer(model, state, secret, root, proxies);

        builder.Eventing.Subscribe<BeforeStartEvent>(async (_, cancellationToken) =>
        {
            if (builder.ExecutionContext.IsPublishMode)
            {
                // Writing a manifest starts nothing: a running lab is no reason to refuse, nor to touch its files.
                return;
            }
            // Only now, with the inventory valid and the app about to start: clear what a crashed run left,
            // then write each instance's config for its container to mount.
            await LeftoverContainers.RemoveAsync(state.ContainerNames, cancellationToken);
            state.Render(await secret.GetAsync(cancellationToken));
        });

        return new LabResources(inventory, model, state, secret, nodes, redis, sentinels, shards, proxies, frontDoor);
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

    /// <summary>
    /// A part of the lab's model as a container: its image, nested under its node (none for the load balancer), and
    /// its command (behind its own resolver), environment, CPU weight, restart, folders and input files as the model says.
    /// </summary>
    internal static IResourceBuilder<T> AddLabPart<T>(this IDistributedApplicationBuilder builder, T resource, LabPart part,
        LabStateFolder state, string repositoryRoot, IReadOnlyDictionary<string, IResourceBuilder<LabNodeResource>> nodes) where T : ContainerResource
    {
        var container = builder.AddLabContainer(resource, LabImages.Of(part.Image), repositoryRoot);
        if (part.Node is { } node)
        {
            container.WithParentRelationship(nodes[node.Name]);
        }
        // The part's command behind the start of its own resolver, the container's only DNS server (see LabResolver).
        container.WithEntrypoint(LabResolver.Shell);
        container.WithArgs([.. LabResolver.ShellArguments, .. LabImageEntrypoints.CommandOf(part)]);
        container.WithContainerRuntimeArgs("--dns", LabResolver.Address);
        foreach (var variable in part.Environment)
        {
            container.WithEnvironment(variable.Name, variable.Value);
        }
        if (part.OnFailoverPath)
        {
            container.WithContainerRuntimeArgs("--cpu-shares", FailoverPathCpuShares);
        }
        if (part.Restart.AtOnceIsSafe)
        {
            container.WithRestartAfterCrash();
        }
        // Rendered files are written into these folders at start (LabStateFolder.Render); an input file is mounted as it is.
        foreach (var folder in part.Folders)
        {
            container.WithBindMount(state.FolderOf(folder), folder.ContainerFolder, isReadOnly: !folder.Writable);
        }
        foreach (var file in part.Files.Where(f => f.InputPath is not null))
        {
            container.WithBindMount(file.InputPath!, file.ContainerPath, isReadOnly: true);
        }
        return container;
    }

    /// <summary>The part's ports, each an endpoint named (with its scheme) by <paramref name="endpoint"/> from its role.</summary>
    internal static IResourceBuilder<T> WithPartEndpoints<T>(this IResourceBuilder<T> resource, LabPart part,
        Func<PortRole, (string Name, string Scheme)> endpoint) where T : ContainerResource
    {
        foreach (var port in part.Ports)
        {
            var (name, scheme) = endpoint(port.Role);
            // Not proxied: the port is the post's port, and a killed container really closes it.
            resource.WithEndpoint(port: port.HostPort, targetPort: port.ContainerPort, scheme: scheme, name: name, isProxied: false)
                .WithEndpoint(name, e => e.TargetHost = port.HostAddress.ToString());
        }
        return resource;
    }

    /// <summary>
    /// The part's waits on the parts among <paramref name="parts"/> (those added so far): until started, or healthy. A
    /// wait for a name only is Swarm's: here the part starts alongside and retries the name itself.
    /// </summary>
    internal static IResourceBuilder<T> WithPartWaits<T>(this IResourceBuilder<T> resource, LabPart part,
        IReadOnlyDictionary<string, IResourceBuilder<IResource>> parts) where T : ContainerResource
    {
        foreach (var wait in part.Waits)
        {
            if (!parts.TryGetValue(wait.Part, out var other))
            {
                continue;
            }
            _ = wait.Until switch
            {
                WaitUntil.Started => resource.WaitForStart(other),
                WaitUntil.Healthy => resource.WaitFor(other),
                _ => resource,
            };
        }
        return resource;
    }

    /// <summary>A container of the lab on no node (the load balancer): its own image built locally under a pinned tag, a fixed name.</summary>
    internal static IResourceBuilder<T> AddLabContainer<T>(this IDistributedApplicationBuilder builder,
        T resource, LabImage image, string repositoryRoot) where T : ContainerResource =>
        builder.AddResource(resource)
            .WithLabImage(builder, image, repositoryRoot)
            // Fixed names, so `docker kill node22-redis-4501` reads like the post's `kill`.
            .WithContainerName(resource.Name);

    /// <summary>
    /// The lab's image under its pinned name, built from its folder unless the local image was built from the folder as
    /// it is now (<see cref="LabImageStamps"/>). A manifest always names the build, so that it does not depend on this machine.
    /// </summary>
    private static IResourceBuilder<T> WithLabImage<T>(this IResourceBuilder<T> resource,
        IDistributedApplicationBuilder builder, LabImage image, string repositoryRoot) where T : ContainerResource
    {
        // An image first (WithDockerfile replaces one, and refuses a resource without).
        resource.WithImage(image.Image, image.Tag);
        var context = image.BuildContext(repositoryRoot);
        if (builder.ExecutionContext.IsPublishMode)
        {
            return resource.WithDockerfile(context).WithImage(image.Image, image.Tag);
        }
        if (LabImageStamps.IsCurrent(image, context))
        {
            return resource;
        }
        // Then the pinned name again: WithDockerfile names the image after a hash of the resource.
        return resource.WithDockerfile(context).WithBuildArg(LabImageStamps.BuildArgument, LabImageStamps.Of(context)).WithImage(image.Image, image.Tag);
    }

    /// <remarks>
    /// How often Aspire (13.6.5) runs these: its <c>ResourceHealthCheckService</c> (src/Aspire.Hosting/Health/
    /// ResourceHealthCheckService.cs in microsoft/aspire) checks a running resource, then waits
    /// <c>HealthyHealthCheckInterval</c> = 30 s while the report is Healthy (line 19) and
    /// <c>NonHealthyHealthCheckStepInterval</c> x min(5, unhealthy reports in a row) = 1, 2, 3, 4, 5, 5... s otherwise
    /// (lines 20, 224-226); only a change of the resource's state text cuts a wait short (ShouldInterrupt, line 389),
    /// and never to less than 1 s (line 148). Both intervals are <c>internal</c> on an internal service, with no option,
    /// configuration key or per-resource setting (the 13.6.5 assembly holds the same 30 s and 1 s), and a check cannot
    /// publish its own report (<c>HealthReports</c> has an internal init). So a healthy proxy whose shard loses its
    /// master is seen Unhealthy up to 30 s (plus the check's 1.3 s at most) later, 15 s on average, not within 2 s;
    /// once Unhealthy it is re-checked within 5 s, so recovery shows quickly. Nothing supported shortens this, so each
    /// check is wrapped in a <see cref="PatientHealthCheck"/>: a part that turns healthy a moment after a failed look
    /// (a replica whose link comes up, a Sentinel that meets the others) is seen within 0.1 s, not at the next step
    /// of that backoff.
    /// </remarks>
    internal static IResourceBuilder<T> WithLabHealthCheck<T>(this IResourceBuilder<T> resource,
        IDistributedApplicationBuilder builder, IHealthCheck check) where T : ContainerResource
    {
        var key = $"{resource.Resource.Name}-health";
        var patient = new PatientHealthCheck(check, PatientHealthCheck.Patience);
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(key, _ => patient, HealthStatus.Unhealthy, tags: null));
        return resource.WithHealthCheck(key);
    }
}

/// <summary>The lab's resources, for callers that add more on top (the reconfig service, commands).</summary>
internal sealed record LabResources(
    Inventory Inventory,
    LabModel Model,
    LabStateFolder State,
    LabSecret Secret,
    IReadOnlyDictionary<string, IResourceBuilder<LabNodeResource>> Nodes,
    IReadOnlyDictionary<string, IResourceBuilder<RedisResource>> Redis,
    IReadOnlyList<IResourceBuilder<SentinelResource>> Sentinels,
    IReadOnlyDictionary<string, IResourceBuilder<LabShardResource>> Shards,
    IReadOnlyList<IResourceBuilder<TwemproxyResource>> Proxies,
    IResourceBuilder<IResourceWithConnectionString> FrontDoor)
{
    /// <summary>The first proxy (the only one in the post's lab).</summary>
    public IResourceBuilder<TwemproxyResource> Proxy => Proxies[0];
}
