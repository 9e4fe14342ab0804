using System.Net;
using static RedisHaLab.Topology.YamlOutline;

namespace RedisHaLab.Topology;

public static partial class InventoryLoader
{
    // nodes: the lab's hosts, each a name and a loopback address of its own.
    private sealed partial class Validation
    {
        private List<LabNode> BuildNodes(InventoryDocument doc)
        {
            var result = new List<LabNode>();
            foreach (var (name, node, at) in Entries(doc.Nodes, "nodes", "missing 'nodes:'; list the lab's hosts, e.g. 'node22: { address: 127.0.0.22 }'",
                         name => $"node {Shown(name)} has no settings; give it '{{ address: 127.0.0.N }}'"))
            {
                if (name.Length > MaxNodeName)
                {
                    Problem(at, $"node name {Shown(InventoryLimits.Clipped(name))} is {name.Length} characters long; shorten it to at most {MaxNodeName}: the lab names containers " +
                                $"after it ('<node>-redis-<port>' adds up to 12), and containers find each other by name, which a DNS label holds to {MaxContainerName}");
                }
                else if (!NodeNamePattern().IsMatch(name))
                {
                    Problem(at, $"node name {Shown(name)} must be lower-case letters and digits, in words joined by single dashes, starting with a letter " +
                                "(it names containers and Aspire resources); write e.g. node25");
                }
                if (node.Address is null)
                {
                    Problem(at, $"node {Shown(name)} is missing 'address'; add 'address: 127.0.0.N' (a loopback address of its own)");
                    continue;
                }
                string[] addressAt = [.. at, "address"];
                if (!IPAddress.TryParse(node.Address, out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || !IPAddress.IsLoopback(address))
                {
                    Problem(addressAt, $"node {Shown(name)} address {Shown(node.Address)} is not in 127.0.0.0/8; the lab publishes only on loopback, e.g. 127.0.0.22 for 192.168.16.22");
                    continue;
                }
                if (address.ToString() != node.Address)
                {
                    Problem(addressAt, $"node {Shown(name)} address {Shown(node.Address)} must be four numbers joined by dots; write e.g. {address}");
                    continue;
                }
                if (WhyNotAHost(address) is { } notAHost)
                {
                    Problem(addressAt, $"node {Shown(name)} address {address} {notAHost}");
                    continue;
                }
                var twin = result.FirstOrDefault(n => n.Address.Equals(address));
                if (twin is not null)
                {
                    Problem(addressAt, $"node {Shown(name)} has the same address {address} as node '{twin.Name}'; give each node its own");
                    continue;
                }
                result.Add(new LabNode(name, address));
            }
            _nodes = result.ToDictionary(n => n.Name);
            return result;
        }
    }
}
