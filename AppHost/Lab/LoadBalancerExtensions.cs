using System.Net;
using RedisHaLab.Chaos;
using RedisHaLab.Topology;

namespace RedisHaLab.AppHost.Lab;

/// <summary>Adds HAProxy in front of the proxies, for inventories with a <c>load_balancer:</c> section.</summary>
internal static class LoadBalancerExtensions
{
    /// <summary>
    /// Adds the load balancer as a container of its own, under no node (as a client-side balancer stands apart from the
    /// lab's hosts), owning the front door. Its config comes from the inventory (<see cref="HaproxyConfig"/>); its stats
    /// page is published on the front door's address and shown as a URL on the resource.
    /// </summary>
    public static IResourceBuilder<HaproxyResource> AddLoadBalancer(this IDistributedApplicationBuilder builder, Inventory inventory,
        LabStateFolder state, LabSecret secret, string repositoryRoot, IReadOnlyList<IResourceBuilder<TwemproxyResource>> proxies)
    {
        var balancer = inventory.LoadBalancer!;
        var resource = builder
            .AddLabContainer(new HaproxyResource(balancer.Name, secret.Parameter?.Resource), LabImages.Haproxy, repositoryRoot)
            .WithBindMount(state.LoadBalancerFolder, HaproxyConfig.ContainerFolder, isReadOnly: true)
            .WithLoopbackEndpoint(HaproxyResource.FrontDoorEndpointName, balancer.FrontDoorAddress, balancer.Port)
            .WithEndpoint(port: balancer.StatsPort, targetPort: balancer.StatsPort, scheme: "http", name: HaproxyResource.StatsEndpointName, isProxied: false)
            .WithEndpoint(HaproxyResource.StatsEndpointName, endpoint => endpoint.TargetHost = balancer.FrontDoorAddress.ToString())
            .WithUrlForEndpoint(HaproxyResource.StatsEndpointName, url => url.DisplayText = "HAProxy stats")
            .WithIconName("ArrowSplit")
            .WithRestartAfterCrash()
            // A key on every shard through the front door, as for each proxy (and as rarely: see WithLabHealthCheck).
            .WithLabHealthCheck(builder, ProxyHealthCheck.For(inventory, balancer.Name, LabEndpoints.FrontDoor(inventory), secret));
        // Started once a proxy runs: before that its checks would only find them all down.
        foreach (var proxy in proxies)
        {
            resource.WaitForStart(proxy);
        }
        return resource;
    }
}
