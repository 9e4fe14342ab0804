using System.Net;
using RedisHaLab.Topology;

namespace RedisHaLab.Topology;

/// <summary>
/// The host ports a Swarm stack of the lab publishes for each Redis and Sentinel, so that host-side code (chaos,
/// tests) reaches every instance of a one-node swarm at 127.0.0.1. The owner of that mapping: the publisher writes
/// these ports into the stack file, the stack's site (<c>LabSite.Swarm</c>, Services/Faults) connects to them.
/// </summary>
/// <remarks>
/// Swarm publishes a host-mode port on every address of its node (no per-address binding, and the routing mesh does
/// not work on this kernel), and the inventory gives two instances the same port on different nodes (node22 and
/// node24 both run :4500). One node carrying all of them needs one port each: the instances in inventory order
/// (Redis masters, then replicas, then Sentinels) from <see cref="First"/> on. Inside the lab network every instance
/// keeps its inventory port and name.
/// </remarks>
public static class SwarmHostPorts
{
    /// <summary>The host port of the first instance.</summary>
    public const int First = 17000;

    /// <summary>Every Redis and Sentinel with its host port, in inventory order.</summary>
    public static IReadOnlyList<(string Instance, int TargetPort, int HostPort)> All(Inventory inventory) =>
        inventory.RedisInstances.Select(i => (i.Name, i.Port))
            .Concat(inventory.Sentinels.Instances.Select(s => (s.Name, s.Port)))
            .Select((instance, index) => (instance.Name, instance.Port, First + index))
            .ToList();

    /// <summary>The host port of the instance called <paramref name="instanceName"/>.</summary>
    /// <exception cref="ArgumentException">The inventory has no such Redis or Sentinel.</exception>
    public static int Of(Inventory inventory, string instanceName) =>
        All(inventory).Where(p => p.Instance == instanceName).Select(p => (int?)p.HostPort).SingleOrDefault()
        ?? throw new ArgumentException($"{instanceName} is no Redis or Sentinel of {Path.GetFileName(inventory.SourceFile)}", nameof(instanceName));

    /// <summary>The front door's port on the host: the load balancer's when the inventory has one, else the proxy's.</summary>
    public static int FrontDoorPort(Inventory inventory) => inventory.LoadBalancer?.Port ?? inventory.Proxy.Port;

    /// <summary>Why the inventory's instances cannot have these ports on one node (the front door's and the stats page's among them), or null.</summary>
    public static string? Problem(Inventory inventory)
    {
        var ports = All(inventory);
        var last = ports.Count == 0 ? First : ports[^1].HostPort;
        if (last > IPEndPoint.MaxPort)
        {
            return $"{ports.Count} instances need host ports {First}-{last}, beyond {IPEndPoint.MaxPort}";
        }
        bool Among(int port) => port >= First && port <= last;
        var frontDoor = FrontDoorPort(inventory);
        var section = inventory.LoadBalancer is null ? "twemproxy" : "load_balancer";
        if (Among(frontDoor))
        {
            return $"the front door's port {frontDoor} falls among the instances' host ports {First}-{last}; give {section} another 'listen' port";
        }
        return inventory.LoadBalancer is { } balancer && Among(balancer.StatsPort)
            ? $"the load balancer's stats port {balancer.StatsPort} falls among the instances' host ports {First}-{last}; give load_balancer another 'stats_port'"
            : null;
    }
}
