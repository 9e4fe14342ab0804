using System.Net;
using RedisHaLab.Topology;

namespace RedisHaLab.Chaos;

/// <summary>
/// The only addresses host code talks to: each instance's port published on its node's loopback address (on a Swarm
/// stack: at 127.0.0.1 on its <see cref="SwarmHostPorts"/> port), and the proxy's front door. Containers' own
/// addresses on the lab network are never used from the host.
/// </summary>
/// <remarks>
/// The answers come from the <see cref="Site"/> this process works on: the Aspire lab unless a caller chose a Swarm
/// stack with <see cref="Use"/>. One process, one lab at a time (the machine's lab lock holds one lab anyway).
/// </remarks>
public static class LabEndpoints
{
    /// <summary>Where the lab this process works on runs: <see cref="LabSite.Aspire"/> unless <see cref="Use"/> chose another.</summary>
    public static LabSite Site { get; private set; } = LabSite.Aspire;

    /// <summary>Works on <paramref name="site"/> until the returned handle is disposed (then on the site before it).</summary>
    public static IDisposable Use(LabSite site)
    {
        var before = Site;
        Site = site;
        return new Restore(() => Site = before);
    }

    /// <summary>A Redis instance at its node's address, e.g. 127.0.0.22:4500.</summary>
    public static IPEndPoint Of(RedisInstance instance) => Site.Of(instance);

    /// <summary>A Sentinel at its node's address, e.g. 127.0.0.23:26379.</summary>
    public static IPEndPoint Of(SentinelInstance sentinel) => Site.Of(sentinel);

    /// <summary>The lab's front door, e.g. 127.0.0.1:14555: the load balancer's when the inventory has one, else the proxy's.</summary>
    public static IPEndPoint FrontDoor(Inventory inventory) => Site.FrontDoor(inventory);

    /// <summary>A proxy at its node's address, e.g. 127.0.0.24:14555.</summary>
    public static IPEndPoint Of(ProxyInstance proxy) => new(proxy.Node.Address, proxy.Port);

    /// <summary>The load balancer's stats page, e.g. http://127.0.0.1:18404/.</summary>
    public static Uri StatsPage(LoadBalancer balancer) => new($"http://{balancer.FrontDoorAddress}:{balancer.StatsPort}/");

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
