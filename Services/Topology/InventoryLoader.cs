using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;
using static RedisHaLab.Topology.YamlOutline;

namespace RedisHaLab.Topology;

/// <summary>Reads an inventory file and validates all of it before anything may start.</summary>
public static partial class InventoryLoader
{
    private static readonly string[] KnownHashes =
        ["one_at_a_time", "md5", "crc16", "crc32", "crc32a", "fnv1_64", "fnv1a_64", "fnv1_32", "fnv1a_32", "hsieh", "murmur", "jenkins"];

    private static readonly string[] KnownDistributions = ["ketama", "modula", "random"];

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

    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    /// <summary>Loads and validates <paramref name="path"/>.</summary>
    /// <exception cref="InventoryException">
    /// The file is missing, not a regular file of at most <see cref="InputFile.MaxBytes"/>, named so that it cannot name
    /// the lab's folder (<see cref="LabStateLayout.NameProblem"/>), not valid YAML, or describes an impossible lab.
    /// </exception>
    public static Inventory Load(string path)
    {
        // The name first: it decides which folder every start empties, so nothing is read for a name that cannot be one.
        if (LabStateLayout.NameProblem(path) is { } nameProblem)
        {
            throw new InventoryException(path, [new(1, nameProblem)]);
        }
        if (InputFile.ReadText(path, "an inventory (e.g. --inventory inventories/post-2016.yml)", out var problem) is not { } text)
        {
            throw new InventoryException(path, [new(1, problem!)]);
        }
        return Parse(text, path);
    }

    /// <summary>Parses and validates inventory text; <paramref name="file"/> only names it in errors.</summary>
    /// <exception cref="InventoryException">The text is not valid YAML or describes an impossible lab.</exception>
    public static Inventory Parse(string yaml, string file)
    {
        // First the file's shape, read without recursion: a repeated key, nesting too deep for the deserializer, an
        // alias. Like a syntax error, any of these stops the reading; each is reported with its line.
        var outline = YamlOutline.Read(yaml, "an inventory");
        if (outline.Problems.Count > 0)
        {
            throw new InventoryException(file, outline.Problems.Select(p => new InventoryProblem(p.Line, p.Message)).OrderBy(p => p.Line).ToList());
        }
        if (outline.ShapeOf() is YamlShape.Value or YamlShape.List)
        {
            throw new InventoryException(file, [new(outline.LineOf(), "an inventory is 'key: value' lines (nodes, shards, redis_settings, sentinels, twemproxy, load_balancer, authentication), " +
                                                                    "not a list or a single value; start from inventories/post-2016.yml")]);
        }
        InventoryDocument? document;
        try
        {
            document = Deserializer.Deserialize<InventoryDocument?>(yaml);
        }
        catch (YamlException e)
        {
            throw new InventoryException(file, [new(Math.Max(1, (int)e.Start.Line), ExplainYamlError(e))]);
        }
        if (document is null)
        {
            throw new InventoryException(file, [new(1, "the file is empty; start from inventories/post-2016.yml")]);
        }
        // Counts before anything else: a check that compares each node with the others must not meet 200,000 of them.
        var tooMany = InventoryLimits.CountProblems(document, outline);
        if (tooMany.Count > 0)
        {
            throw new InventoryException(file, tooMany.OrderBy(p => p.Line).ToList());
        }
        var validation = new Validation(file, outline);
        var inventory = validation.Build(document);
        if (validation.Problems.Count > 0 || inventory is null)
        {
            throw new InventoryException(file, validation.Problems.OrderBy(p => p.Line).ToList());
        }
        return inventory;
    }

    private static string ExplainYamlError(YamlException e)
    {
        var unknown = UnknownPropertyPattern().Match(e.Message);
        if (unknown.Success)
        {
            var section = Type.GetType(unknown.Groups["type"].Value);
            var allowed = section?.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Select(p => UnderscoredNamingConvention.Instance.Apply(p.Name));
            return $"unknown key {Shown(unknown.Groups["key"].Value)}; check its spelling" +
                   (allowed is null ? "" : $" (allowed here: {string.Join(", ", allowed)})");
        }
        var shape = WrongShapePattern().Match(e.Message);
        if (shape.Success)
        {
            var type = shape.Groups["type"].Value;
            var section = type == nameof(InventoryDocument) ? "inventory" : UnderscoredNamingConvention.Instance.Apply(type.Replace("Section", ""));
            return $"expected the {section} settings as 'key: value' lines here, found a list or a single value";
        }
        var innermost = e.InnerException;
        while (innermost?.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }
        // A section or a list written as a bare text ('sentinels: x', 'nodes: node22') reaches the converter as a string;
        // found by the fuzz test, it had leaked .NET's "Invalid cast from 'System.String' to '...SentinelsSection'".
        if (innermost is not null && SectionCastPattern().Match(innermost.Message) is { Success: true } cast)
        {
            var section = UnderscoredNamingConvention.Instance.Apply(cast.Groups["type"].Value.Replace("Section", ""));
            return $"expected the {section} settings as 'key: value' lines here, found a single value";
        }
        if (innermost is InvalidCastException)
        {
            return innermost.Message.Contains("Collections.Generic.List", StringComparison.Ordinal)
                ? "expected a list here ([a, b] or '- a' lines), found a single value"
                : "this value has the wrong form here (a single value, a list or 'key: value' lines); compare it with inventories/post-2016.yml";
        }
        return innermost is null
            ? $"not valid YAML: {e.Message}"
            : $"cannot read this value: {innermost.Message}";
    }

    // The key greedy: a key holding a quote (found by the fuzz test) otherwise fell through to .NET's own wording.
    [GeneratedRegex(@"Property '(?<key>.*)' not found on type '(?<type>[^']*)'", RegexOptions.Singleline)]
    private static partial Regex UnknownPropertyPattern();

    [GeneratedRegex(@"No node deserializer was able to deserialize the node into type RedisHaLab\.Topology\.(?<type>\w+)")]
    private static partial Regex WrongShapePattern();

    [GeneratedRegex(@"Invalid cast from '[^']*' to 'RedisHaLab\.Topology\.(?<type>\w+Section)'")]
    private static partial Regex SectionCastPattern();

    // What Aspire accepts for a resource name (ASCII letters, digits and single hyphens, a letter first, no hyphen
    // last), in lower case: Docker's DNS, which containers find each other by, ignores case.
    [GeneratedRegex(@"^[a-z][a-z0-9]*(-[a-z0-9]+)*\z")]
    private static partial Regex NodeNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]+\z")]
    private static partial Regex SentinelNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_]+\z")]
    private static partial Regex PoolNamePattern();

    /// <summary>
    /// One validation pass: collects every problem instead of stopping at the first, each at the line of the key or
    /// value it is about (a path into the file, read from <paramref name="outline"/>).
    /// </summary>
    private sealed class Validation(string file, YamlOutline outline)
    {
        private static readonly string[] Top = [];

        private readonly Dictionary<(IPAddress Address, int Port), string> _portOwners = [];
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
            if (loadBalancer is not null && proxies is { Count: > 0 } && proxies[0].Reconfig != ProxyReconfigMode.Lab)
            {
                Problem(["load_balancer"], "a load balancer needs 'twemproxy.reconfig: lab': the lab's reconfig service answers its readiness check " +
                                           "(the post's script knows nothing of it); remove load_balancer or use reconfig: lab");
            }
            var authentication = BuildAuthentication(doc.Authentication);
            CheckResourceNames(nodes, shards, sentinels, proxies ?? []);
            if (Problems.Count > 0 || sentinels is null || proxies is null || authentication is null || (doc.LoadBalancer is not null && loadBalancer is null))
            {
                return null;
            }
            return new Inventory(file, nodes, shards, settings, sentinels, proxies, authentication.Value, loadBalancer);
        }

        /// <summary><c>authentication</c>, optional: <c>none</c> when absent. The password itself never sits in the inventory.</summary>
        private LabAuthentication? BuildAuthentication(string? value)
        {
            LabAuthentication? authentication = value switch
            {
                null or "none" => LabAuthentication.None,
                "password" => LabAuthentication.Password,
                _ => null,
            };
            if (authentication is null)
            {
                Problem(["authentication"], $"authentication {Shown(value!)} is unknown; use 'none' (the default: no password) or 'password' " +
                                            "(every Redis, Sentinel and the proxy ask for the AppHost's secret parameter redis-password; never write the password here)");
            }
            return authentication;
        }

        private List<LabNode> BuildNodes(InventoryDocument doc)
        {
            if (doc.Nodes is not { Count: > 0 })
            {
                Problem(["nodes"], "missing 'nodes:'; list the lab's hosts, e.g. 'node22: { address: 127.0.0.22 }'");
                return [];
            }
            var result = new List<LabNode>();
            foreach (var (name, node) in doc.Nodes)
            {
                string[] at = ["nodes", name];
                if (node is null)
                {
                    Problem(at, $"node {Shown(name)} has no settings; give it '{{ address: 127.0.0.N }}'");
                    continue;
                }
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

        private List<Shard> BuildShards(InventoryDocument doc)
        {
            if (doc.Shards is not { Count: > 0 })
            {
                Problem(["shards"], "missing 'shards:'; list each shard with its sentinel_name, master and replicas");
                return [];
            }
            var result = new List<Shard>();
            var sentinelNames = new HashSet<string>();
            foreach (var (name, shard) in doc.Shards)
            {
                string[] at = ["shards", name];
                if (shard is null)
                {
                    Problem(at, $"shard {Shown(name)} has no settings; give it sentinel_name, master and replicas");
                    continue;
                }
                if (InventoryLimits.WhyNotAResourceName(name) is { } notAName)
                {
                    Problem(at, $"shard name {Shown(InventoryLimits.Clipped(name))} {notAName}: each shard is an Aspire resource of its name, and names a twemproxy server; write e.g. g3");
                }
                string[] sentinelNameAt = [.. at, "sentinel_name"];
                if (shard.SentinelName is null)
                {
                    Problem(at, $"shard {Shown(name)} is missing 'sentinel_name'; add the name Sentinel monitors it under, e.g. redis_14555_{name}_4500");
                }
                else if (shard.SentinelName.Length > InventoryLimits.MaxSentinelName)
                {
                    Problem(sentinelNameAt, $"shard {Shown(name)} sentinel_name {Shown(InventoryLimits.Clipped(shard.SentinelName))} is {shard.SentinelName.Length} characters long; " +
                                            $"shorten it to at most {InventoryLimits.MaxSentinelName}: Sentinels find each other by hellos that carry it, " +
                                            "and Redis cuts a longer hello short, so they would never meet; write e.g. redis_14555_g1_4500");
                }
                else if (!SentinelNamePattern().IsMatch(shard.SentinelName))
                {
                    Problem(sentinelNameAt, $"shard {Shown(name)} sentinel_name {Shown(shard.SentinelName)} may only hold letters, digits, '_', '.' and '-' " +
                                            "(Sentinel's config and events carry it as one word); write e.g. redis_14555_g1_4500");
                }
                else if (!sentinelNames.Add(shard.SentinelName))
                {
                    Problem(sentinelNameAt, $"shard {Shown(name)} reuses sentinel_name {Shown(shard.SentinelName)}; each shard needs its own");
                }
                var master = shard.Master is null
                    ? MissingMaster(at, name)
                    : Instance([.. at, "master"], shard.Master, name, RedisRole.Master, "master");
                if (shard.Replicas is not { Count: > 0 })
                {
                    Problem(at, $"shard {Shown(name)} has no 'replicas'; Sentinel needs at least one to promote, e.g. 'replicas: [node24:4500]'");
                }
                var replicas = new List<RedisInstance>();
                foreach (var (reference, index) in (shard.Replicas ?? []).Select((r, i) => (r, i)))
                {
                    string[] itemAt = [.. at, "replicas", Item(index)];
                    if (reference is null)
                    {
                        Problem(itemAt, $"shard {Shown(name)} replicas item {index + 1} is empty; write <node>:<port> (e.g. node24:4500) or remove the item");
                    }
                    else if (Instance(itemAt, reference, name, RedisRole.Replica, "replica") is { } replica)
                    {
                        replicas.Add(replica);
                    }
                }
                if (master is not null && shard.SentinelName is not null)
                {
                    result.Add(new Shard(name, shard.SentinelName, master, replicas));
                }
            }
            return result;
        }

        private RedisInstance? MissingMaster(string[] at, string name)
        {
            Problem(at, $"shard {Shown(name)} is missing 'master'; add 'master: <node>:<port>', e.g. 'master: node22:4500'");
            return null;
        }

        private RedisInstance? Instance(string[] at, string reference, string shardName, RedisRole role, string what)
        {
            var (node, port) = NodeAndPort(at, reference, $"shard {Shown(shardName)} {what}");
            if (node is null)
            {
                return null;
            }
            var instance = new RedisInstance(node, port, shardName, role);
            ClaimPort(at, node.Address, port, $"Redis {instance.Name} (shard {shardName} {what})");
            return instance;
        }

        private (LabNode? Node, int Port) NodeAndPort(string[] at, string reference, string what)
        {
            var parts = reference.Split(':');
            if (parts.Length != 2)
            {
                Problem(at, $"{what} {Shown(InventoryLimits.Clipped(reference))} must be written <node>:<port>; write e.g. node22:4500");
                return (null, 0);
            }
            if (!PlainNumbers.TryParse(parts[1], InventoryLimits.LowestPort, InventoryLimits.HighestPort, out var port, out var why))
            {
                Problem(at, $"{what} {Shown(InventoryLimits.Clipped(reference))}: port {Shown(InventoryLimits.Clipped(parts[1]))} {why}, e.g. node22:4500");
                return (null, 0);
            }
            var node = KnownNode(at, parts[0], what);
            return ValidPort(at, port, what) && node is not null ? (node, port) : (null, 0);
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

        private void ClaimPort(string[] at, IPAddress address, int port, string owner)
        {
            if (_portOwners.TryGetValue((address, port), out var first))
            {
                Problem(at, $"{owner} wants {address}:{port}, already taken by {first}; give one of them another port");
                return;
            }
            _portOwners[(address, port)] = owner;
        }

        /// <summary>
        /// Every directive checked against Redis 7.0's grammar (<see cref="RedisDirectives"/>): a name Redis knows, in lower
        /// case, given once (an alias and its new name are one directive), none the lab owns, each value on one line and of
        /// the kind Redis reads, and none that defeats the lab's failovers, probes or measurements.
        /// </summary>
        private List<RedisSetting> BuildRedisSettings(Dictionary<string, object?>? section, List<Shard> shards)
        {
            var result = new List<RedisSetting>();
            var seen = new Dictionary<string, string>();
            var renamed = new HashSet<string>(StringComparer.Ordinal);
            // Without shards (already a problem of its own) no count of replicas is wrong.
            var fewestReplicas = shards.Count == 0 ? int.MaxValue : shards.Min(s => s.Replicas.Count);
            foreach (var (directive, value) in section ?? [])
            {
                string[] at = ["redis_settings", directive];
                if (RedisDirectives.WhyRefused(directive) is { } reason)
                {
                    Problem(at, $"redis_settings may not set {Shown(directive)}: {reason}; remove it");
                    continue;
                }
                var lower = directive.ToLowerInvariant();
                if (!RedisDirectives.IsWellFormed(directive))
                {
                    Problem(at, RedisDirectives.IsWellFormed(lower)
                        ? $"redis_settings directive {Shown(directive)} is not a redis.conf directive name as the lab writes them; write {Shown(lower)}, in lower case"
                        : $"redis_settings directive {Shown(directive)} is not a redis.conf directive name; use lower-case letters, digits, '-' and '_', e.g. maxmemory-policy");
                    continue;
                }
                var grammar = RedisDirectives.GrammarOf(directive);
                if (grammar is null && !RedisDirectives.IsIgnored(directive))
                {
                    Problem(at, RedisDirectives.Nearest(directive) is { } nearest
                        ? $"redis_settings {Shown(directive)} is not a Redis {RedisDirectives.RedisVersion} directive; did you mean {Shown(nearest)}?"
                        : $"redis_settings {Shown(directive)} is not a Redis {RedisDirectives.RedisVersion} directive; check its spelling against " +
                          "the redis.conf of Redis 7.0 (the lab runs redis-server 7.0.15), or remove it");
                    continue;
                }
                var canonical = RedisDirectives.Canonical(directive);
                if (seen.TryGetValue(canonical, out var first))
                {
                    Problem(at, $"redis_settings {Shown(directive)} and {Shown(first)} are one directive (Redis {RedisDirectives.RedisVersion} reads " +
                                $"{Shown(directive == canonical ? first : directive)} as {Shown(canonical)}); keep one of them, written {Shown(canonical)}");
                    continue;
                }
                seen[canonical] = directive;
                if (value is List<object?> && grammar is { Repeats: false })
                {
                    Problem(at, $"redis_settings {Shown(directive)} takes one value, not a list (Redis would keep only the last line); " +
                                $"write it as '{directive}: <value>'");
                    continue;
                }
                List<(string Text, string[] At, string What)>? values = value switch
                {
                    string s => [(s, at, $"{Shown(directive)} value")],
                    null => [("", at, $"{Shown(directive)} value")],
                    List<object?> list => ListValues(directive, at, list),
                    _ => null,
                };
                if (values is null)
                {
                    Problem(at, $"redis_settings {Shown(directive)} must be a value or a list of values, not a mapping; " +
                                "write e.g. 'maxmemory: 256mb' or 'save: [\"900 1\", \"300 10\"]'");
                    continue;
                }
                foreach (var (text, valueAt, what) in values)
                {
                    if (HasControlCharacters(text))
                    {
                        Problem(valueAt, $"redis_settings {what} {Shown(text)} holds a line break or another control character; " +
                                         "write the value on one line (redis.conf reads each line as a directive)");
                        continue;
                    }
                    var rendered = text;
                    if (grammar is not null)
                    {
                        if (RedisDirectives.ValueProblem(grammar, text, out rendered) is { } problem)
                        {
                            Problem(valueAt, $"redis_settings {what} {Shown(text)} {problem}");
                            continue;
                        }
                        if (RedisDirectives.LabProblem(canonical, rendered, fewestReplicas) is { } labProblem)
                        {
                            Problem(valueAt, $"redis_settings {what} {Shown(text)} {labProblem}");
                            continue;
                        }
                        if (grammar.Kind == RedisValueKind.Rename)
                        {
                            CheckRename(valueAt, text, renamed);
                        }
                    }
                    result.Add(new RedisSetting(directive, rendered));
                }
            }
            return result;
        }

        /// <summary>The items of a directive that repeats (<c>save</c>); an empty item or one that is not a single value is a problem.</summary>
        private List<(string Text, string[] At, string What)> ListValues(string directive, string[] at, List<object?> list)
        {
            var values = new List<(string, string[], string)>();
            for (var index = 0; index < list.Count; index++)
            {
                string[] itemAt = [.. at, Item(index)];
                switch (list[index])
                {
                    case string text:
                        values.Add((text, itemAt, $"{Shown(directive)} item {index + 1}"));
                        break;
                    case null:
                        Problem(itemAt, $"redis_settings {Shown(directive)} item {index + 1} is empty; write \"\" for an empty value, or remove the item");
                        break;
                    default:
                        Problem(itemAt, $"redis_settings {Shown(directive)} item {index + 1} must be a single value, not a list or a mapping; " +
                                        "write it as one quoted string, e.g. \"300 10\"");
                        break;
                }
            }
            return values;
        }

        /// <summary>
        /// One <c>rename-command</c>, read as Redis reads it (quotes and <c>\x</c> escapes decoded, names in any case): a
        /// Redis 7.0 command not renamed before, to a name no command has, and neither of them one the lab sends.
        /// </summary>
        private void CheckRename(string[] at, string value, HashSet<string> renamed)
        {
            var words = RedisDirectives.Words(value);
            if (words is not { Count: 2 })
            {
                Problem(at, $"redis_settings rename-command {Shown(value)} must name a command and its new name; write e.g. 'rename-command: FLUSHALL \"\"' (\"\" disables it)");
                return;
            }
            var (command, newName) = (words[0].ToUpperInvariant(), words[1].ToUpperInvariant());
            // Quotes and escapes can hide a name ('"CON\x46IG"' is CONFIG): say what Redis makes of it.
            var written = value.TrimStart(' ').Split(' ')[0];
            var decoded = written == words[0] ? "" : $" (Redis reads {Shown(written)} as {Shown(words[0])})";
            foreach (var needed in new[] { command, newName }.Where(RedisDirectives.CommandsTheLabNeeds.Contains).Distinct())
            {
                Problem(at, $"redis_settings rename-command {Shown(value)} touches {needed}{(needed == command ? decoded : "")}: the lab relies on {needed}, " +
                            "as Sentinel, replication, the proxy, the reconfig service, chaos or the tests send it; rename only other commands, " +
                            "e.g. 'rename-command: FLUSHALL \"\"'");
                return;
            }
            if (!RedisDirectives.Commands.Contains(command))
            {
                Problem(at, $"redis_settings rename-command {Shown(value)}: {Shown(words[0])} is not a Redis {RedisDirectives.RedisVersion} command " +
                            "(redis-server would exit at start); name a command such as FLUSHALL, KEYS or DEBUG");
            }
            else if (!renamed.Add(command))
            {
                Problem(at, $"redis_settings rename-command {Shown(value)}: {command} is already renamed above (Redis would no longer find it); rename each command once");
            }
            else if (newName.Length > 0 && RedisDirectives.Commands.Contains(newName))
            {
                Problem(at, $"redis_settings rename-command {Shown(value)}: {newName} is already a Redis command (redis-server would exit at start); " +
                            "choose a new name no command has, or \"\" to disable it");
            }
        }

        private SentinelGroup? BuildSentinels(InventoryDocument doc, int shardCount)
        {
            var s = doc.Sentinels;
            string[] at = ["sentinels"];
            if (s is null)
            {
                Problem(at, "missing 'sentinels:'; give nodes, port, quorum, down_after_milliseconds, failover_timeout and parallel_syncs");
                return null;
            }
            var port = Port(at, s.Port, "port", "26379", "sentinels");
            var quorum = Whole(at, s.Quorum, "quorum", "2", 1, InventoryLimits.MaxSentinels);
            var downAfter = Whole(at, s.DownAfterMilliseconds, "down_after_milliseconds", "2500", 1, InventoryLimits.MaxMilliseconds);
            var failoverTimeout = Whole(at, s.FailoverTimeout, "failover_timeout", "10000", 1, InventoryLimits.MaxMilliseconds);
            var parallelSyncs = Whole(at, s.ParallelSyncs, "parallel_syncs", "1", 1, InventoryLimits.MaxReplicasPerShard);
            if (s.Nodes is not { Count: > 0 })
            {
                Problem(at, "sentinels has no 'nodes'; list where Sentinels run, e.g. 'nodes: [node22, node23, node24]'");
                return null;
            }
            var portIsValid = port is not null;
            var instances = new List<SentinelInstance>();
            for (var index = 0; index < s.Nodes.Count; index++)
            {
                string[] itemAt = [.. at, "nodes", Item(index)];
                var name = s.Nodes[index];
                if (name is null)
                {
                    Problem(itemAt, $"sentinels nodes item {index + 1} is empty; write a node name (e.g. node24) or remove the item");
                    continue;
                }
                var node = KnownNode(itemAt, name, "sentinels");
                if (node is null)
                {
                    continue;
                }
                if (instances.Any(i => i.Node == node))
                {
                    Problem(itemAt, $"sentinels lists node {Shown(name)} twice; one Sentinel per node");
                    continue;
                }
                var instance = new SentinelInstance(node, port ?? 0);
                if (portIsValid)
                {
                    ClaimPort(itemAt, node.Address, port!.Value, $"Sentinel {instance.Name}");
                }
                instances.Add(instance);
            }
            if (quorum is not null && (quorum < 1 || quorum > s.Nodes.Count))
            {
                Problem([.. at, "quorum"], $"quorum {quorum} is not between 1 and the {s.Nodes.Count} Sentinels listed; lower the quorum or add Sentinels");
            }
            return port is null || quorum is null || downAfter is null || failoverTimeout is null || parallelSyncs is null
                ? null
                : new SentinelGroup(instances, quorum.Value, downAfter.Value, failoverTimeout.Value, parallelSyncs.Value);
        }

        private List<ProxyInstance>? BuildProxies(InventoryDocument doc, bool hasLoadBalancer)
        {
            var t = doc.Twemproxy;
            string[] at = ["twemproxy"];
            if (t is null)
            {
                Problem(at, "missing 'twemproxy:'; give node (or nodes), pool, listen, front_door, hash, distribution, auto_eject_hosts, redis, server_retry_timeout, server_failure_limit and server_names (reconfig is optional: lab by default)");
                return null;
            }
            var proxyNodes = ProxyNodes(t);
            var pool = Required(at, t.Pool, "pool", "redis_14555");
            var listen = Port(at, t.Listen, "listen", "14555", "twemproxy listen");
            var hash = Required(at, t.Hash, "hash", "fnv1a_64");
            var distribution = Required(at, t.Distribution, "distribution", "ketama");
            var autoEject = Required(at, t.AutoEjectHosts, "auto_eject_hosts", "false");
            var redis = Required(at, t.Redis, "redis", "true");
            var retry = Whole(at, t.ServerRetryTimeout, "server_retry_timeout", "2000", 1, InventoryLimits.MaxMilliseconds);
            var failureLimit = Whole(at, t.ServerFailureLimit, "server_failure_limit", "1", 1, int.MaxValue);
            var naming = Required(at, t.ServerNames, "server_names", "shard");

            if (pool is not null && pool.Length > InventoryLimits.MaxPoolName)
            {
                Problem([.. at, "pool"], $"twemproxy pool {Shown(InventoryLimits.Clipped(pool))} is {pool.Length} characters long; shorten it to at most {InventoryLimits.MaxPoolName}: " +
                                         "it names the proxy's config files (the longest '.<pool>.yml.reconfig.tmp'), and a file name holds 255 bytes; write e.g. redis_14555");
            }
            else if (pool is not null && !PoolNamePattern().IsMatch(pool))
            {
                Problem([.. at, "pool"], $"twemproxy pool {Shown(pool)} may only hold letters, digits and '_' (it names the config file); write e.g. redis_14555");
            }
            // The front door is the proxy's second address, or the load balancer's: never both, never neither.
            IPAddress? frontDoorAddress = null;
            var frontDoorIsValid = true;
            if (hasLoadBalancer)
            {
                if (t.FrontDoor is not null)
                {
                    Problem([.. at, "front_door"], "twemproxy front_door is the load balancer's here (load_balancer.front_door); remove it, " +
                                                   "so each proxy listens on its node's address only");
                }
            }
            else if (proxyNodes is { Count: > 1 })
            {
                Problem([.. at, "nodes"], $"{proxyNodes.Count} proxies need a load balancer in front to share one front door; " +
                                          "add a 'load_balancer:' section (see inventories/post-2016-proxy-ha.yml) or list one node");
            }
            else if (Required(at, t.FrontDoor, "front_door", "127.0.0.1") is { } frontDoor)
            {
                frontDoorAddress = LoopbackAddress([.. at, "front_door"], frontDoor, "twemproxy front_door");
                frontDoorIsValid = frontDoorAddress is not null;
            }
            else
            {
                frontDoorIsValid = false;
            }
            if (hash is not null && !KnownHashes.Contains(hash))
            {
                Problem([.. at, "hash"], $"twemproxy hash {Shown(hash)} is not one nutcracker knows; use one of: {string.Join(", ", KnownHashes)}");
            }
            if (distribution is not null && !KnownDistributions.Contains(distribution))
            {
                Problem([.. at, "distribution"], $"twemproxy distribution {Shown(distribution)} is not one nutcracker knows; use one of: {string.Join(", ", KnownDistributions)}");
            }
            if (redis is false)
            {
                Problem([.. at, "redis"], "twemproxy redis: false would proxy memcached; this lab runs Redis, so set 'redis: true'");
            }
            ProxyServerNaming? serverNaming = naming switch
            {
                null => null,
                "shard" => ProxyServerNaming.Shard,
                "address" => ProxyServerNaming.Address,
                _ => null,
            };
            if (naming is not null && serverNaming is null)
            {
                Problem([.. at, "server_names"], $"twemproxy server_names {Shown(naming)} is unknown; use 'shard' (host:port:1 g1, keys stay put on failover) or 'address' (the post's unnamed servers)");
            }
            var reconfig = BuildReconfigMode(t, proxyNodes, doc.Sentinels);
            if (listen is not null)
            {
                foreach (var (node, nodeAt) in proxyNodes ?? [])
                {
                    ClaimPort(nodeAt, node.Address, listen.Value, $"twemproxy on {node.Name}");
                }
                if (frontDoorAddress is not null && !(proxyNodes ?? []).Any(n => n.Node.Address.Equals(frontDoorAddress)))
                {
                    ClaimPort([.. at, "front_door"], frontDoorAddress, listen.Value, "twemproxy's front door");
                }
            }
            if (proxyNodes is null || pool is null || listen is null || !frontDoorIsValid || hash is null ||
                distribution is null || autoEject is null || retry is null || failureLimit is null || serverNaming is null ||
                reconfig is null)
            {
                return null;
            }
            return proxyNodes.Select(n => new ProxyInstance(n.Node, listen.Value, frontDoorAddress, pool, hash, distribution, autoEject.Value,
                retry.Value, failureLimit.Value, serverNaming.Value, reconfig.Value)).ToList();
        }

        /// <summary>
        /// Where proxies run: <c>node: node23</c> (the post's one proxy) or <c>nodes: [node23, node24]</c>, each node at
        /// most once; null (with the problem said) when neither is usable. Each node comes with the path of its line.
        /// </summary>
        private List<(LabNode Node, string[] At)>? ProxyNodes(TwemproxySection t)
        {
            string[] at = ["twemproxy"];
            if (t.Node is not null && t.Nodes is not null)
            {
                Problem([.. at, "nodes"], "twemproxy has both 'node' and 'nodes'; keep one: 'node: node23' for one proxy, 'nodes: [node23, node24]' for several");
                return null;
            }
            if (t.Node is not null)
            {
                return KnownNode([.. at, "node"], t.Node, "twemproxy") is { } node ? [(node, [.. at, "node"])] : null;
            }
            if (t.Nodes is null)
            {
                Problem(at, "twemproxy is missing 'node'; add e.g. 'node: node23' (or 'nodes: [node23, node24]' for several proxies)");
                return null;
            }
            if (t.Nodes.Count == 0)
            {
                Problem([.. at, "nodes"], "twemproxy nodes is empty; list where proxies run, e.g. 'nodes: [node23, node24]'");
                return null;
            }
            var result = new List<(LabNode, string[])>();
            var usable = true;
            for (var index = 0; index < t.Nodes.Count; index++)
            {
                string[] itemAt = [.. at, "nodes", Item(index)];
                var name = t.Nodes[index];
                if (name is null)
                {
                    Problem(itemAt, $"twemproxy nodes item {index + 1} is empty; write a node name (e.g. node24) or remove the item");
                    usable = false;
                    continue;
                }
                var node = KnownNode(itemAt, name, "twemproxy");
                if (node is null)
                {
                    usable = false;
                    continue;
                }
                if (result.Any(r => r.Item1 == node))
                {
                    Problem(itemAt, $"twemproxy lists node {Shown(name)} twice; one proxy per node (its container is named after the node)");
                    usable = false;
                    continue;
                }
                result.Add((node, itemAt));
            }
            return usable ? result : null;
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

        /// <summary>
        /// <c>load_balancer</c>, optional: HAProxy in front of the proxies, owning the front door. Its readiness port is
        /// where each proxy's container answers whether that proxy runs the Sentinels' current masters.
        /// </summary>
        private LoadBalancer? BuildLoadBalancer(LoadBalancerSection section, int? proxyListen)
        {
            string[] at = ["load_balancer"];
            var kind = Required(at, section.Kind, "kind", "haproxy");
            var frontDoor = Required(at, section.FrontDoor, "front_door", "127.0.0.1");
            var listen = Port(at, section.Listen, "listen", "14555", "load_balancer listen");
            var stats = Port(at, section.StatsPort, "stats_port", "18404", "load_balancer stats_port");
            var readiness = Port(at, section.ReadinessPort, "readiness_port", "14556", "load_balancer readiness_port");
            var interval = Whole(at, section.CheckInterval, "check_interval", "200", 1, InventoryLimits.MaxMilliseconds);
            var fall = Whole(at, section.Fall, "fall", "2", 1, int.MaxValue);
            var rise = Whole(at, section.Rise, "rise", "2", 1, int.MaxValue);
            if (kind is not null and not "haproxy")
            {
                Problem([.. at, "kind"], $"load_balancer kind {Shown(kind)} is unknown; use 'haproxy' (Debian's HAProxy, TCP mode)");
            }
            var address = frontDoor is null ? null : LoopbackAddress([.. at, "front_door"], frontDoor, "load_balancer front_door");
            var listenIsValid = listen is not null;
            var statsIsValid = stats is not null;
            var readinessIsValid = readiness is not null;
            if (address is not null && listenIsValid)
            {
                ClaimPort([.. at, "listen"], address, listen!.Value, "the load balancer's front door");
            }
            if (address is not null && statsIsValid)
            {
                ClaimPort([.. at, "stats_port"], address, stats!.Value, "the load balancer's stats page");
            }
            if (readinessIsValid && readiness == proxyListen)
            {
                Problem([.. at, "readiness_port"], $"load_balancer readiness_port {readiness} is the proxies' own port (twemproxy listen); " +
                                                    "each proxy's container answers readiness on a port of its own, e.g. 14556");
            }
            if (kind is not "haproxy" || address is null || !listenIsValid || !statsIsValid || !readinessIsValid ||
                interval is not > 0 || fall is not > 0 || rise is not > 0)
            {
                return null;
            }
            return new LoadBalancer(address, listen!.Value, stats!.Value, readiness!.Value, interval.Value, fall.Value, rise.Value);
        }

        /// <summary>
        /// <c>reconfig</c>, optional: <c>lab</c> when absent. <c>post-script</c> hears only the Sentinel on the proxy's
        /// node, as the post's script did, so that node must run one.
        /// </summary>
        private ProxyReconfigMode? BuildReconfigMode(TwemproxySection t, List<(LabNode Node, string[] At)>? proxyNodes, SentinelsSection? sentinels)
        {
            string[] at = ["twemproxy", "reconfig"];
            ProxyReconfigMode? mode = t.Reconfig switch
            {
                null or "lab" => ProxyReconfigMode.Lab,
                "post-script" => ProxyReconfigMode.PostScript,
                _ => null,
            };
            if (mode is null)
            {
                Problem(at, $"twemproxy reconfig {Shown(t.Reconfig!)} is unknown; use 'lab' (the default: every Sentinel, majority, nutcracker -t) " +
                            "or 'post-script' (the post's client-reconfig-script: the proxy node's Sentinel, a textual rewrite, a restart)");
            }
            else if (mode == ProxyReconfigMode.PostScript && sentinels?.Nodes is { } sentinelNodes)
            {
                foreach (var proxyNode in (proxyNodes ?? []).Select(n => n.Node.Name).Where(n => !sentinelNodes.Contains(n)))
                {
                    Problem(at, $"twemproxy reconfig 'post-script' takes failovers from the Sentinel on the proxy's node '{proxyNode}', " +
                                $"but sentinels.nodes does not list it; add {proxyNode} to sentinels.nodes or use 'reconfig: lab'");
                }
            }
            return mode;
        }

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
