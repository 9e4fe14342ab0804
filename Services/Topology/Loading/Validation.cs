using System.Globalization;
using System.Net;
using static RedisHaLab.Topology.YamlOutline;

namespace RedisHaLab.Topology;

public static partial class InventoryLoader
{
    /// <summary>
    /// One validation pass: collects every problem instead of stopping at the first, each at the line of the key or
    /// value it is about (a path into the file, read from <paramref name="outline"/>).
    /// </summary>
    /// <remarks>
    /// Each section has its file (<c>NodesValidation.cs</c>, <c>ShardsValidation.cs</c>, ...); this one holds the order
    /// they are read in and the readers they share. Rules that join sections live in <c>CrossSectionRules.cs</c>, the
    /// naming rules in <c>ResourceNames.cs</c>, who owns which address and port in <see cref="PortRegistry"/>.
    /// </remarks>
    private sealed partial class Validation(string file, YamlOutline outline)
    {
        private readonly PortRegistry _ports = new();
        private Dictionary<string, LabNode> _nodes = [];

        public List<InventoryProblem> Problems { get; } = [];

        public Inventory? Build(InventoryDocument doc)
        {
            var nodes = BuildNodes(doc);
            var shards = BuildShards(doc);
            var settings = BuildRedisSettings(doc.RedisSettings, shards);
            var sentinels = BuildSentinels(doc, shards.Count);
            var proxies = BuildProxies(doc, hasLoadBalancer: doc.LoadBalancer is not null);
            var loadBalancer = doc.LoadBalancer is null ? null : BuildLoadBalancer(doc.LoadBalancer, proxies is { Count: > 0 } ? proxies[0].Port : null);
            CheckLoadBalancerReconfig(loadBalancer, proxies);
            var authentication = BuildAuthentication(doc.Authentication);
            CheckResourceNames(nodes, shards, sentinels, proxies ?? []);
            if (Problems.Count > 0 || sentinels is null || proxies is null || authentication is null || (doc.LoadBalancer is not null && loadBalancer is null))
            {
                return null;
            }
            return new Inventory(file, nodes, shards, settings, sentinels, proxies, authentication.Value, loadBalancer);
        }

        /// <summary>
        /// The entries of a section written as <c>name: { ... }</c> lines (<c>nodes</c>, <c>shards</c>), each with its path,
        /// read lazily so that each entry's problems follow the one before's. A missing or empty section
        /// (<paramref name="missing"/>) and an entry without settings (<paramref name="noSettings"/>) are problems and give nothing.
        /// </summary>
        private IEnumerable<(string Name, T Entry, string[] At)> Entries<T>(Dictionary<string, T>? section, string key, string missing, Func<string, string> noSettings)
            where T : class
        {
            if (section is not { Count: > 0 })
            {
                Problem([key], missing);
                yield break;
            }
            foreach (var (name, entry) in section)
            {
                string[] at = [key, name];
                if (entry is null)
                {
                    Problem(at, noSettings(name));
                    continue;
                }
                yield return (name, entry, at);
            }
        }

        private LabNode? KnownNode(string[] at, string name, string what)
        {
            if (_nodes.TryGetValue(name, out var node))
            {
                return node;
            }
            Problem(at, $"{what} names unknown node {Shown(name)}; use one of: {string.Join(", ", _nodes.Keys)} (or add it under 'nodes:')");
            return null;
        }

        private bool ValidPort(string[] at, int port, string what)
        {
            if (InventoryLimits.WhyPortRefused(port) is not { } why)
            {
                return true;
            }
            Problem(at, $"{what} port {port} {why}");
            return false;
        }

        /// <summary>A port setting: a plain whole number, in range, not one the AppHost or nutcracker has already.</summary>
        private int? Port(string[] section, string? text, string key, string example, string what)
        {
            var port = Whole(section, text, key, example, InventoryLimits.LowestPort, InventoryLimits.HighestPort);
            return port is not null && ValidPort([.. section, key], port.Value, what) ? port : null;
        }

        /// <summary>A required whole number from <paramref name="least"/> to <paramref name="most"/>, read from its text by <see cref="PlainNumbers"/>.</summary>
        private int? Whole(string[] section, string? text, string key, string example, int least, int most)
        {
            if (Required(section, text, key, example) is not { } written)
            {
                return null;
            }
            if (PlainNumbers.TryParse(written, least, most, out var value, out var why))
            {
                return value;
            }
            Problem([.. section, key], $"{key} {Shown(InventoryLimits.Clipped(written))} {why}, e.g. '{key}: {example}'");
            return null;
        }

        /// <summary>
        /// Why <paramref name="address"/> (a loopback address) names no single host: the first and last of 127.0.0.0/8
        /// are its network and broadcast addresses, which a container cannot be published on alone.
        /// </summary>
        private static string? WhyNotAHost(IPAddress address) => address.GetAddressBytes() switch
        {
            [_, 0, 0, 0] => "is the network address of 127.0.0.0/8, not a host's; use one between 127.0.0.1 and 127.255.255.254",
            [_, 255, 255, 255] => "is the broadcast address of 127.0.0.0/8, not a host's; use one between 127.0.0.1 and 127.255.255.254",
            _ => null,
        };

        /// <summary>Gives <paramref name="address"/>:<paramref name="port"/> to <paramref name="owner"/>, or reports who has it already.</summary>
        private void ClaimPort(string[] at, IPAddress address, int port, string owner)
        {
            if (_ports.Claim(address, port, owner) is { } taken)
            {
                Problem(at, taken);
            }
        }

        private IPAddress? LoopbackAddress(string[] at, string text, string what)
        {
            if (!IPAddress.TryParse(text, out var address) || !IPAddress.IsLoopback(address) ||
                address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
            {
                Problem(at, $"{what} {Shown(text)} must be a loopback address, e.g. 127.0.0.1");
                return null;
            }
            if (address.ToString() != text)
            {
                Problem(at, $"{what} {Shown(text)} is an unusual way to write {address}; write {address}");
                return null;
            }
            if (WhyNotAHost(address) is { } notAHost)
            {
                Problem(at, $"{what} {address} {notAHost}");
                return null;
            }
            return address;
        }

        private T? Required<T>(string[] section, T? value, string key, string example)
        {
            if (value is null)
            {
                Problem(section, $"{section[^1]} is missing '{key}'; add e.g. '{key}: {example}'");
            }
            return value;
        }

        /// <summary>A list item's step in a path.</summary>
        private static string Item(int index) => index.ToString(CultureInfo.InvariantCulture);

        private void Problem(string[] at, string message) =>
            Problems.Add(new InventoryProblem(outline.LineOf(at), message));
    }
}
