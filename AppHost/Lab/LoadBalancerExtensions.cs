using System.Net;
using RedisHaLab.Probes;
using RedisHaLab.Topology;
using RedisHaLab.Topology.Model;

namespace RedisHaLab.AppHost.Lab;

/// <summary>Adds HAProxy in front of the proxies, for inventories with a <c>load_balancer:</c> section.</summary>
internal static class LoadBalancerExtensions
{
    /// <summary>
    /// Adds the load balancer as a container of its own, under no node (as a client-side balancer stands apart from the
    /// lab's hosts), owning the front door. Its config comes from the inventory (<see cref="HaproxyConfig"/>); its stats
    /// page is published on the front door's address and shown as a URL on the resource.
    /// </summary>
    public static IResourceBuilder<HaproxyResource> AddLoadBalancer(this IDistributedApplicationBuilder builder, LabModel model,
        LabStateFolder state, LabSecret secret, string repositoryRoot, IReadOnlyList<IResourceBuilder<TwemproxyResource>> proxies)
    {
        var inventory = model.Inventory;
        var part = model[inventory.LoadBalancer!.Name];
        return builder
            .AddLabPart(new HaproxyResource(part.Name, secret.Parameter?.Resource), part, state, repositoryRoot, nodes: new Dictionary<string, IResourceBuilder<LabNodeResource>>())
            .WithPartEndpoints(part, role => role == PortRole.Stats
                ? (HaproxyResource.StatsEndpointName, "http")
                : (HaproxyResource.FrontDoorEndpointName, "tcp"))
            .WithUrlForEndpoint(HaproxyResource.StatsEndpointName, url => url.DisplayText = "HAProxy stats")
            .WithIconName("ArrowSplit")
            // A key on every shard through the front door, as for each proxy (and as rarely: see WithLabHealthCheck).
            .WithLabHealthCheck(builder, ProxyHealthCheck.For(inventory, part.Name, LabEndpoints.Aspire.FrontDoor(inventory), secret))
            // Started once every proxy runs (and, added with the reconfig services, once each vouches for its proxy).
            .WithPartWaits(part, proxies.ToDictionary(p => p.Resource.Name, p => (IResourceBuilder<IResource>)p));
    }
}
