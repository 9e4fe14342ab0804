using System.Net;
using RedisHaLab.Topology;

namespace RedisHaLab.Chaos;

/// <summary>
/// The only addresses host code talks to: each instance's port published on its node's loopback address, and the
/// proxy's front door. Containers' own addresses on the lab network are never used from the host.
/// </summary>
public static class LabEndpoints
{
    /// <summary>A Redis instance at its node's address, e.g. 127.0.0.22:4500.</summary>
    public static IPEndPoint Of(RedisInstance instance) => new(instance.Node.Address, instance.Port);

    /// <summary>A Sentinel at its node's address, e.g. 127.0.0.23:26379.</summary>
    public static IPEndPoint Of(SentinelInstance sentinel) => new(sentinel.Node.Address, sentinel.Port);

    /// <summary>The lab's front door, e.g. 127.0.0.1:14555: the load balancer's when the inventory has one, else the proxy's.</summary>
    public static IPEndPoint FrontDoor(Inventory inventory) => inventory.LoadBalancer is { } balancer
        ? new(balancer.FrontDoorAddress, balancer.Port)
        : new(inventory.Proxy.FrontDoorAddress ?? inventory.Proxy.Node.Address, inventory.Proxy.Port);

    /// <summary>A proxy at its node's address, e.g. 127.0.0.24:14555.</summary>
    public static IPEndPoint Of(ProxyInstance proxy) => new(proxy.Node.Address, proxy.Port);

    /// <summary>The load balancer's stats page, e.g. http://127.0.0.1:18404/.</summary>
    public static Uri StatsPage(LoadBalancer balancer) => new($"http://{balancer.FrontDoorAddress}:{balancer.StatsPort}/");
}
