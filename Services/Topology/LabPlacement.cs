using System.Net;

namespace RedisHaLab.Topology;

/// <summary>
/// Where on this machine a lab runs, so that several run side by side (<c>--lab-index N</c>): lab 0 is the inventory as
/// written; lab N moves every loopback address of the inventory N steps up its second byte (127.0.0.22 becomes
/// 127.N.0.22, the front door 127.0.0.1 becomes 127.N.0.1) and puts <c>labN-</c> before every container's name. Ports
/// stay as written: each lab has addresses of its own, so the post's 4500, 26379 and 14555 are there in every lab.
/// </summary>
/// <remarks>
/// The inventory is moved as a whole, after it was checked, and every owner of a name or an address reads the moved
/// one: containers, their host folders (<see cref="LabStateLayout"/>), Sentinel's names for masters, the proxy's
/// config and the reconfig service (which is handed the index with the inventory). Playbooks and reports keep saying
/// <c>node22</c> and <c>master of g1</c>.
/// </remarks>
public static class LabPlacement
{
    /// <summary>The highest index: ten labs at most on one machine, each of about a dozen containers.</summary>
    public const int MaxIndex = 9;

    /// <summary>What lab <paramref name="index"/> puts before every container's name: "" for lab 0, else <c>lab1-</c> and so on.</summary>
    public static string ContainerPrefix(int index) => index == 0 ? "" : $"lab{index}-";

    /// <summary>Why <paramref name="index"/> places no lab, or null when it does.</summary>
    public static string? IndexProblem(int index) =>
        index is < 0 or > MaxIndex
            ? $"the lab index {index} is not between 0 and {MaxIndex}; pass --lab-index 0 for the inventory as written, or 1 to {MaxIndex} for a lab beside it"
            : null;

    /// <summary>
    /// <paramref name="address"/> in lab <paramref name="index"/>'s loopback range, or null when it would leave 127.0.0.0/8
    /// (or land on its last address, which names no host).
    /// </summary>
    public static IPAddress? Move(IPAddress address, int index)
    {
        var bytes = address.GetAddressBytes();
        var second = bytes[1] + index;
        if (bytes.Length != 4 || bytes[0] != 127 || second > 255)
        {
            return null;
        }
        bytes[1] = (byte)second;
        return bytes is [_, 255, 255, 255] ? null : new IPAddress(bytes);
    }

    /// <summary>
    /// <paramref name="inventory"/> as lab <paramref name="index"/>: every address moved, every container name prefixed.
    /// </summary>
    /// <exception cref="InventoryException">
    /// The index is out of range, an address would leave 127.0.0.0/8, or a name would outgrow a DNS label; each problem
    /// names the inventory's line that holds the address or node, and the fix.
    /// </exception>
    public static Inventory Place(Inventory inventory, int index)
    {
        if (IndexProblem(index) is { } indexProblem)
        {
            throw new InventoryException(inventory.SourceFile, [new(1, indexProblem)]);
        }
        if (index == 0)
        {
            return inventory;
        }
        var problems = new List<InventoryProblem>();
        // Read only when a problem needs its line: the inventory keeps no line numbers once it is checked, but every
        // address and node name is written in it.
        var lines = new Lazy<string[]>(() => File.Exists(inventory.SourceFile) ? File.ReadAllLines(inventory.SourceFile) : []);
        int LineOf(string text) => Array.FindIndex(lines.Value, l => l.Contains(text, StringComparison.Ordinal)) + 1 is var line and > 0 ? line : 1;

        IPAddress Moved(IPAddress address, string what)
        {
            if (Move(address, index) is { } moved)
            {
                return moved;
            }
            problems.Add(new(LineOf(address.ToString()),
                $"{what} {address} cannot move to lab {index}'s range (127.N.x.y adds {index} to its second byte, past 127.255.255.254); " +
                $"give it an address with a second byte of at most {255 - MaxIndex} (e.g. 127.0.0.22), or use a lower --lab-index"));
            return address;
        }

        var prefix = ContainerPrefix(index);
        var nodes = inventory.Nodes.ToDictionary(n => n.Name, n => n with { Address = Moved(n.Address, $"node {n.Name}'s address"), ContainerPrefix = prefix });
        RedisInstance Instance(RedisInstance i) => i with { Node = nodes[i.Node.Name] };
        var placed = inventory with
        {
            Nodes = [.. inventory.Nodes.Select(n => nodes[n.Name])],
            Shards = [.. inventory.Shards.Select(s => s with { Master = Instance(s.Master), Replicas = [.. s.Replicas.Select(Instance)] })],
            Sentinels = inventory.Sentinels with { Instances = [.. inventory.Sentinels.Instances.Select(s => s with { Node = nodes[s.Node.Name] })] },
            Proxies =
            [
                .. inventory.Proxies.Select(p => p with
                {
                    Node = nodes[p.Node.Name],
                    FrontDoorAddress = p.FrontDoorAddress is null ? null : Moved(p.FrontDoorAddress, $"the front door of {p.Node.Name}'s proxy"),
                }),
            ],
            LoadBalancer = inventory.LoadBalancer is null
                ? null
                : inventory.LoadBalancer with
                {
                    FrontDoorAddress = Moved(inventory.LoadBalancer.FrontDoorAddress, "the load balancer's front door"),
                    ContainerPrefix = prefix,
                },
            LabIndex = index,
        };
        // One problem a node, for its longest name: shortening the node by that much fixes all of its containers.
        foreach (var tooLong in placed.ContainerNames.Where(n => n.Length > InventoryLoader.MaxContainerName)
                     .GroupBy(n => inventory.Nodes.FirstOrDefault(node => n.StartsWith(prefix + node.Name + "-", StringComparison.Ordinal))))
        {
            var name = tooLong.MaxBy(n => n.Length)!;
            var node = tooLong.Key;
            problems.Add(new(node is null ? 1 : LineOf(node.Name),
                $"in lab {index} the container {name} is {name.Length} characters, more than the {InventoryLoader.MaxContainerName} a DNS label holds " +
                $"('{prefix}' goes before every name); shorten {(node is null ? "the name" : $"node {node.Name}'s name")} by {name.Length - InventoryLoader.MaxContainerName} characters"));
        }
        if (problems.Count > 0)
        {
            throw new InventoryException(inventory.SourceFile, [.. problems.DistinctBy(p => p.Message).OrderBy(p => p.Line)]);
        }
        return placed;
    }
}
