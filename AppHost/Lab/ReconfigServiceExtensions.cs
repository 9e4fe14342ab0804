using RedisHaLab.Topology;
using RedisHaLab.Topology.Model;

namespace RedisHaLab.AppHost.Lab;

/// <summary>Adds the reconfig service, the lab's replacement for the post's client-reconfig-script.</summary>
internal static class ReconfigServiceExtensions
{
    /// <summary>Adds one reconfig service per proxy, each beside its own proxy; the first is the only one in the post's lab.</summary>
    public static IReadOnlyList<IResourceBuilder<ContainerResource>> AddReconfigServices(this IDistributedApplicationBuilder builder, LabResources lab)
    {
        var services = lab.Inventory.Proxies.Select(proxy => builder.AddReconfigService(lab, proxy)).ToList();
        if (lab.FrontDoor is IResourceBuilder<HaproxyResource> balancer)
        {
            // The balancer starts once every proxy is vouched for (the model's waits on the reconfig services): started
            // earlier, its first checks find the proxies not ready yet, and the front door answers, refuses, answers again.
            balancer.WithPartWaits(lab.Model[balancer.Resource.Name], services.ToDictionary(s => s.Resource.Name, s => (IResourceBuilder<IResource>)s));
        }
        return services;
    }

    /// <summary>
    /// Adds the service as a container on its proxy's node (it dies with that node, as the post's script did with its
    /// host). It shares its proxy's config folder, at the same path as in the proxy's container, and nothing else: no
    /// Docker socket, no host path. It reaches Sentinels and Redis instances by container name on the lab network.
    /// Several proxies get one service each, as the post ran its script on each proxy host: each one is paired with the
    /// supervisor it shares a folder with, vouches for that proxy alone, and dies with that node only.
    /// </summary>
    private static IResourceBuilder<ContainerResource> AddReconfigService(this IDistributedApplicationBuilder builder, LabResources lab, ProxyInstance proxy)
    {
        // Its command, environment, CPU weight, restart and mounts (its proxy's folder, the inventory read-only) are the model's.
        var service = builder
            .AddLabPart(new ContainerResource(proxy.ReconfigName), lab.Model[proxy.ReconfigName], lab.State, LabOptions.RepositoryRoot(builder), lab.Nodes)
            // Logs, spans and metrics to the dashboard, through DCP's tunnel from the lab network to the host
            // (eng/setup.sh makes the tunnel's base image where no registry can be reached).
            .WithOtlpExporter();
        if (proxy.Reconfig == ProxyReconfigMode.Lab)
        {
            // Ready means protected: the service answers "up protected" only when its proxy runs the verified master of
            // every shard, a write through it reaches a master on every shard, and a Sentinel majority answers for
            // each. Read from the answer it writes four times a second beside the proxy's reports (a port published for this
            // alone left Docker 20.10's port allocator holding it after a failed start, until the engine's store was cleared).
            service.WithLabHealthCheck(builder,
                new ReconfigReadinessHealthCheck(Path.Combine(lab.State.ProxyConfigFolderOf(proxy), proxy.ReadinessFileName)));
        }
        // It starts with everything else, alongside its proxy rather than after it (a master lost between the two
        // starts would otherwise go unrepaired): it retries a Sentinel it cannot reach yet, waits for the proxy's first
        // running report itself, and its health says when the proxy is protected.
        if (lab.Model[proxy.ReconfigName].PasswordVariable is { } variable && lab.Secret.Parameter is { } password)
        {
            // From the parameter itself, so the dashboard shows it masked and the manifest names it without its value.
            service.WithEnvironment(variable, password);
        }
        return service;
    }
}
