using RedisHaLab.Topology;

namespace RedisHaLab.Swarm;

/// <summary>The names a stack of the lab gives Swarm: node labels, the network, volumes, configs.</summary>
public static class SwarmNames
{
    /// <summary>The stack's name unless the publisher is told another (<c>--stack</c>).</summary>
    public const string DefaultStack = "redis-ha-lab";

    /// <summary>The overlay network every service of the stack is on.</summary>
    public const string Network = "lab";

    /// <summary>
    /// The boolean node label that places an inventory node's services (<c>lab.node22</c>): one label per inventory
    /// node, so one machine can carry all of them and three machines one each.
    /// </summary>
    public static string NodeLabel(LabNode node) => $"lab.{node.Name}";

    /// <summary>The placement constraint of a service on <paramref name="node"/>.</summary>
    public static string Constraint(LabNode node) => $"node.labels.{NodeLabel(node)} == true";

    /// <summary>The volume holding an instance's writable files (its config copy, Sentinel's rewrites, Redis's dump).</summary>
    public static string StateVolume(string instanceName) => $"{instanceName}-state";

    /// <summary>The volume the proxy and the reconfig service share: the proxy's config folder.</summary>
    public static string ProxyConfigVolume(ProxyInstance proxy) => $"{proxy.Name}-conf";
}
