using System.Text.RegularExpressions;
using RedisHaLab.Topology;

namespace RedisHaLab.Swarm;

/// <summary>The names a stack of the lab gives Swarm: node labels, the network, volumes, configs.</summary>
public static partial class SwarmNames
{
    /// <summary>The stack's name unless the publisher is told another (<c>--stack</c>).</summary>
    public const string DefaultStack = "redis-ha-lab";

    /// <summary>
    /// Why <paramref name="stack"/> cannot name a stack, or null: lower-case letters, digits, '-' and '_', starting with a
    /// letter, at most 40 characters. The name reaches Swarm, eng/swarm.sh and the file that records a deploy
    /// (<c>~/.redis-ha-lab/swarm/&lt;stack&gt;.deployed</c>), so no other character may be in it.
    /// </summary>
    public static string? StackProblem(string stack) => StackPattern().IsMatch(stack)
        ? null
        : $"--stack '{(stack.Length > 60 ? stack[..60] + "..." : stack)}' is not a stack name Swarm takes; use lower-case letters, digits, '-' and '_', starting with a letter, at most 40 characters";

    // eng/swarm.sh checks the same form when it reads swarm.env.
    [GeneratedRegex(@"^[a-z][a-z0-9_-]{0,39}\z")]
    private static partial Regex StackPattern();

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
