using System.Text.RegularExpressions;

namespace RedisHaLab.Topology;

public static partial class InventoryLoader
{
    // The AppHost's and Docker's naming rules: how long a name may be, of which letters, and which names are taken.

    /// <summary>
    /// The longest container name the lab may make: containers reach each other by name through Docker's DNS, and a
    /// name is one DNS label, at most 63 characters (Aspire's own limit for a resource name, 64, is looser).
    /// </summary>
    public const int MaxContainerName = 63;

    /// <summary>The longest node name: its longest container name, <c>&lt;node&gt;-redis-&lt;port&gt;</c>, adds up to 12 characters.</summary>
    public const int MaxNodeName = MaxContainerName - 12;

    // Resource names the lab's application has besides its nodes and containers; a node may not take one (Aspire
    // compares resource names whatever their case).
    private static readonly (string Name, string Owner)[] OtherResources =
    [
        ("aspire-dashboard", "Aspire's dashboard"),
        (LabPassword.ParameterName, "the lab's password parameter (the secret of its authentication switch)"),
        ("sample-app", "the lab's sample client application"),
        (LoadBalancer.ResourceName, "the lab's load balancer (HAProxy, in inventories with 'load_balancer:')"),
    ];

    // What Aspire accepts for a resource name (ASCII letters, digits and single hyphens, a letter first, no hyphen
    // last), in lower case: Docker's DNS, which containers find each other by, ignores case.
    [GeneratedRegex(@"^[a-z][a-z0-9]*(-[a-z0-9]+)*\z")]
    private static partial Regex NodeNamePattern();

    private sealed partial class Validation
    {
        /// <summary>
        /// A node or a shard may not take a name the application already has: Aspire refuses a second resource of one
        /// name (and the AppHost would crash on it), so the inventory is refused first, at the node's or shard's line.
        /// </summary>
        private void CheckResourceNames(List<LabNode> nodes, List<Shard> shards, SentinelGroup? sentinels, List<ProxyInstance> proxies)
        {
            var others = new List<(string Name, string Owner)>(OtherResources);
            others.AddRange(shards.SelectMany(s => s.Replicas.Prepend(s.Master)).Select(i => (i.Name, $"Redis {i.Name}")));
            others.AddRange((sentinels?.Instances ?? []).Select(s => (s.Name, $"the Sentinel of {s.Node.Name}")));
            foreach (var proxy in proxies)
            {
                others.Add((proxy.Name, $"the proxy on {proxy.Node.Name}"));
                others.Add((proxy.ReconfigName, $"the reconfig service on {proxy.Node.Name}"));
            }
            foreach (var node in nodes)
            {
                if (Taken(node.Name, others) is { } owner)
                {
                    Problem(["nodes", node.Name], $"node name '{node.Name}' is already the name of {owner}; Aspire resource names are unique " +
                                                  "whatever their case, so rename the node");
                }
            }
            // Each shard is a resource of its own too (Sentinel-aware clients reference it by its name).
            others.AddRange(nodes.Select(n => (n.Name, $"the node {n.Name}")));
            foreach (var shard in shards)
            {
                if (Taken(shard.Name, others) is { } owner)
                {
                    Problem(["shards", shard.Name], $"shard name '{shard.Name}' is already the name of {owner}; Aspire resource names are unique " +
                                                    "whatever their case, so rename the shard");
                }
            }
        }

        private static string? Taken(string name, List<(string Name, string Owner)> others) =>
            others.FirstOrDefault(o => string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase)).Owner;
    }
}
