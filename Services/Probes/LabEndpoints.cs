using System.Net;
using RedisHaLab.Clients;
using RedisHaLab.Topology;

namespace RedisHaLab.Probes;

/// <summary>
/// The only addresses host code talks to on one site: each instance's port published on its node's loopback address
/// (on a Swarm stack: at 127.0.0.1 on its <see cref="SwarmHostPorts"/> port), and the proxy's front door. Containers'
/// own addresses on the lab network are never used from the host.
/// </summary>
/// <remarks>
/// Passed in, never global: whoever holds the lab's handles (a <see cref="LabView"/>, the faults' <c>LabSite</c>) was
/// given its site when it was made. The Aspire lab's endpoints are <see cref="Aspire"/>; a stack's site overrides
/// <see cref="Of(RedisInstance)"/> and <see cref="Of(SentinelInstance)"/>.
/// </remarks>
public abstract class LabEndpoints
{
    /// <summary>The Aspire lab: each instance on its node's loopback address, e.g. 127.0.0.22:4500.</summary>
    public static LabEndpoints Aspire { get; } = new AspireEndpoints();

    /// <summary>Where host code reaches a Redis instance, e.g. 127.0.0.22:4500 on the Aspire lab.</summary>
    public abstract IPEndPoint Of(RedisInstance instance);

    /// <summary>Where host code reaches a Sentinel, e.g. 127.0.0.23:26379 on the Aspire lab.</summary>
    public abstract IPEndPoint Of(SentinelInstance sentinel);

    /// <summary>The lab's front door, e.g. 127.0.0.1:14555 (the same on every site): the load balancer's when the inventory has one, else the proxy's.</summary>
    public virtual IPEndPoint FrontDoor(Inventory inventory) => inventory.LoadBalancer is { } balancer
        ? new(balancer.FrontDoorAddress, balancer.Port)
        : new(inventory.Proxy.FrontDoorAddress ?? inventory.Proxy.Node.Address, inventory.Proxy.Port);

    /// <summary>A proxy at its node's address on the Aspire lab, e.g. 127.0.0.24:14555.</summary>
    public static IPEndPoint Of(ProxyInstance proxy) => new(proxy.Node.Address, proxy.Port);

    /// <summary>The load balancer's stats page, e.g. http://127.0.0.1:18404/ (beside the front door, the same on every site).</summary>
    public static Uri StatsPage(LoadBalancer balancer) => new($"http://{balancer.FrontDoorAddress}:{balancer.StatsPort}/");

    /// <summary>
    /// The map from the names the lab network knows its Redis instances and Sentinels by (<c>node24-redis-4500:4500</c>,
    /// as the Sentinels give them) to these endpoints: what a Sentinel-aware client on the host follows the lab with.
    /// </summary>
    public LabAddressTunnel AddressTunnel(Inventory inventory) => new(
    [
        .. inventory.RedisInstances.Select(i => (i.Name, i.Port, Of(i))),
        .. inventory.Sentinels.Instances.Select(s => (s.Name, s.Port, Of(s))),
    ]);

    private sealed class AspireEndpoints : LabEndpoints
    {
        public override IPEndPoint Of(RedisInstance instance) => new(instance.Node.Address, instance.Port);

        public override IPEndPoint Of(SentinelInstance sentinel) => new(sentinel.Node.Address, sentinel.Port);
    }
}
