using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;
using YamlDotNet.Serialization.NodeDeserializers;

namespace RedisHaLab.Topology;

/// <summary>Reads an inventory file and validates all of it before anything may start.</summary>
public static partial class InventoryLoader
{
    private static readonly string[] KnownHashes =
        ["one_at_a_time", "md5", "crc16", "crc32", "crc32a", "fnv1_64", "fnv1a_64", "fnv1_32", "fnv1a_32", "hsieh", "murmur", "jenkins"];

    private static readonly string[] KnownDistributions = ["ketama", "modula", "random"];

    // Directives the lab itself sets per instance; an inventory setting them would fight the topology.
    private static readonly string[] LabOwnedDirectives =
        ["port", "bind", "dir", "daemonize", "pidfile", "logfile", "protected-mode", "replicaof", "slaveof",
         "replica-announce-ip", "replica-announce-port", "slave-announce-ip", "slave-announce-port", "include"];

    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .WithNodeDeserializer(inner => new LocatingNodeDeserializer<ObjectNodeDeserializer>(inner), s => s.InsteadOf<ObjectNodeDeserializer>())
        .WithNodeDeserializer(inner => new LocatingNodeDeserializer<DictionaryNodeDeserializer>(inner), s => s.InsteadOf<DictionaryNodeDeserializer>())
        .Build();

    /// <summary>Loads and validates <paramref name="path"/>.</summary>
    /// <exception cref="InventoryException">The file is missing, is not valid YAML, or describes an impossible lab.</exception>
    public static Inventory Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new InventoryException(path, [new(1,
                "file not found; pass an existing inventory (e.g. --inventory inventories/post-2016.yml)")]);
        }
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses and validates inventory text; <paramref name="file"/> only names it in errors.</summary>
    /// <exception cref="InventoryException">The text is not valid YAML or describes an impossible lab.</exception>
    public static Inventory Parse(string yaml, string file)
    {
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
        var validation = new Validation(file);
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
                .Where(p => p.Name != nameof(ILocated.Start))
                .Select(p => UnderscoredNamingConvention.Instance.Apply(p.Name));
            return $"unknown key '{unknown.Groups["key"].Value}'; check its spelling" +
                   (allowed is null ? "" : $" (allowed here: {string.Join(", ", allowed)})");
        }
        var shape = WrongShapePattern().Match(e.Message);
        if (shape.Success)
        {
            var section = UnderscoredNamingConvention.Instance.Apply(shape.Groups["type"].Value.Replace("Section", "").Replace("Document", "inventory"));
            return $"expected the {section} settings as 'key: value' lines here, found a list or a single value";
        }
        var innermost = e.InnerException;
        while (innermost?.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }
        return innermost is null
            ? $"not valid YAML: {e.Message}"
            : $"cannot read this value: {innermost.Message}";
    }

    [GeneratedRegex(@"Property '(?<key>[^']*)' not found on type '(?<type>[^']*)'")]
    private static partial Regex UnknownPropertyPattern();

    [GeneratedRegex(@"No node deserializer was able to deserialize the node into type RedisHaLab\.Topology\.(?<type>\w+)")]
    private static partial Regex WrongShapePattern();

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    private static partial Regex NodeNamePattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]*$")]
    private static partial Regex ShardNamePattern();

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex SentinelNamePattern();

    [GeneratedRegex("^[A-Za-z0-9_]+$")]
    private static partial Regex PoolNamePattern();

    /// <summary>One validation pass: collects every problem instead of stopping at the first.</summary>
    private sealed class Validation(string file)
    {
        private readonly Dictionary<(IPAddress Address, int Port), string> _portOwners = [];
        private Dictionary<string, LabNode> _nodes = [];

        public List<InventoryProblem> Problems { get; } = [];

        public Inventory? Build(InventoryDocument doc)
        {
            var nodes = BuildNodes(doc);
            var shards = BuildShards(doc);
            var settings = BuildRedisSettings(doc.RedisSettings);
            var sentinels = BuildSentinels(doc, shards.Count);
            var proxy = BuildProxy(doc);
            if (Problems.Count > 0 || sentinels is null || proxy is null)
            {
                return null;
            }
            return new Inventory(file, nodes, shards, settings, sentinels, proxy);
        }

        private List<LabNode> BuildNodes(InventoryDocument doc)
        {
            if (doc.Nodes is not { Count: > 0 })
            {
                Problem(doc, "missing 'nodes:'; list the lab's hosts, e.g. 'node22: { address: 127.0.0.22 }'");
                return [];
            }
            var result = new List<LabNode>();
            foreach (var (name, node) in doc.Nodes)
            {
                if (node is null)
                {
                    Problem(doc, $"node '{name}' has no settings; give it '{{ address: 127.0.0.N }}'");
                    continue;
                }
                if (!NodeNamePattern().IsMatch(name))
                {
                    Problem(node, $"node name '{name}' must be lower-case letters, digits and dashes (it becomes a container name)");
                }
                if (node.Address is null)
                {
                    Problem(node, $"node '{name}' is missing 'address'; add 'address: 127.0.0.N' (a loopback address of its own)");
                    continue;
                }
                if (!IPAddress.TryParse(node.Address, out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || !IPAddress.IsLoopback(address))
                {
                    Problem(node, $"node '{name}' address '{node.Address}' is not in 127.0.0.0/8; the lab publishes only on loopback, e.g. 127.0.0.22 for 192.168.16.22");
                    continue;
                }
                var twin = result.FirstOrDefault(n => n.Address.Equals(address));
                if (twin is not null)
                {
                    Problem(node, $"node '{name}' has the same address {address} as node '{twin.Name}'; give each node its own");
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
                Problem(doc, "missing 'shards:'; list each shard with its sentinel_name, master and replicas");
                return [];
            }
            var result = new List<Shard>();
            var sentinelNames = new HashSet<string>();
            foreach (var (name, shard) in doc.Shards)
            {
                if (shard is null)
                {
                    Problem(doc, $"shard '{name}' has no settings; give it sentinel_name, master and replicas");
                    continue;
                }
                if (!ShardNamePattern().IsMatch(name))
                {
                    Problem(shard, $"shard name '{name}' must be lower-case letters, digits, '_' or '-' (it names a twemproxy server)");
                }
                if (shard.SentinelName is null)
                {
                    Problem(shard, $"shard '{name}' is missing 'sentinel_name'; add the name Sentinel monitors it under, e.g. redis_14555_{name}_4500");
                }
                else if (!SentinelNamePattern().IsMatch(shard.SentinelName))
                {
                    Problem(shard, $"shard '{name}' sentinel_name '{shard.SentinelName}' may only hold letters, digits, '_', '.' and '-'");
                }
                else if (!sentinelNames.Add(shard.SentinelName))
                {
                    Problem(shard, $"shard '{name}' reuses sentinel_name '{shard.SentinelName}'; each shard needs its own");
                }
                var master = shard.Master is null
                    ? MissingMaster(shard, name)
                    : Instance(shard, shard.Master, name, RedisRole.Master, "master");
                if (shard.Replicas is not { Count: > 0 })
                {
                    Problem(shard, $"shard '{name}' has no 'replicas'; Sentinel needs at least one to promote, e.g. 'replicas: [node24:4500]'");
                }
                var replicas = (shard.Replicas ?? [])
                    .Select(r => Instance(shard, r, name, RedisRole.Replica, "replica"))
                    .OfType<RedisInstance>()
                    .ToList();
                if (master is not null && shard.SentinelName is not null)
                {
                    result.Add(new Shard(name, shard.SentinelName, master, replicas));
                }
            }
            return result;
        }

        private RedisInstance? MissingMaster(ShardSection shard, string name)
        {
            Problem(shard, $"shard '{name}' is missing 'master'; add 'master: <node>:<port>', e.g. 'master: node22:4500'");
            return null;
        }

        private RedisInstance? Instance(ShardSection shard, string reference, string shardName, RedisRole role, string what)
        {
            var (node, port) = NodeAndPort(shard, reference, $"shard '{shardName}' {what}");
            if (node is null)
            {
                return null;
            }
            var instance = new RedisInstance(node, port, shardName, role);
            ClaimPort(shard, node.Address, port, $"Redis {instance.Name} (shard {shardName} {what})");
            return instance;
        }

        private (LabNode? Node, int Port) NodeAndPort(ILocated at, string reference, string what)
        {
            var parts = reference.Split(':');
            if (parts.Length != 2 || !int.TryParse(parts[1], out var port))
            {
                Problem(at, $"{what} '{reference}' must be written <node>:<port>, e.g. node22:4500");
                return (null, 0);
            }
            var node = KnownNode(at, parts[0], what);
            return ValidPort(at, port, what) && node is not null ? (node, port) : (null, 0);
        }

        private LabNode? KnownNode(ILocated at, string name, string what)
        {
            if (_nodes.TryGetValue(name, out var node))
            {
                return node;
            }
            Problem(at, $"{what} names unknown node '{name}'; use one of: {string.Join(", ", _nodes.Keys)} (or add it under 'nodes:')");
            return null;
        }

        private bool ValidPort(ILocated at, int port, string what)
        {
            if (port is >= 1 and <= 65535)
            {
                return true;
            }
            Problem(at, $"{what} port {port} is out of range; use 1-65535");
            return false;
        }

        private void ClaimPort(ILocated at, IPAddress address, int port, string owner)
        {
            if (_portOwners.TryGetValue((address, port), out var first))
            {
                Problem(at, $"{owner} wants {address}:{port}, already taken by {first}; give one of them another port");
                return;
            }
            _portOwners[(address, port)] = owner;
        }

        private List<RedisSetting> BuildRedisSettings(RedisSettingsSection? section)
        {
            var result = new List<RedisSetting>();
            foreach (var (directive, value) in section ?? [])
            {
                if (LabOwnedDirectives.Contains(directive))
                {
                    Problem(section!, $"redis_settings may not set '{directive}': the lab sets it for each instance from the shards and nodes; remove it");
                    continue;
                }
                var values = value switch
                {
                    string s => [s],
                    List<object> list => list.Select(v => v?.ToString() ?? "").ToList(),
                    null => [""],
                    _ => null,
                };
                if (values is null)
                {
                    Problem(section!, $"redis_settings '{directive}' must be a value or a list of values");
                    continue;
                }
                result.AddRange(values.Select(v => new RedisSetting(directive, v)));
            }
            return result;
        }

        private SentinelGroup? BuildSentinels(InventoryDocument doc, int shardCount)
        {
            var s = doc.Sentinels;
            if (s is null)
            {
                Problem(doc, "missing 'sentinels:'; give nodes, port, quorum, down_after_milliseconds, failover_timeout and parallel_syncs");
                return null;
            }
            var port = Required(s, s.Port, "sentinels", "port", "26379");
            var quorum = Required(s, s.Quorum, "sentinels", "quorum", "2");
            var downAfter = Required(s, s.DownAfterMilliseconds, "sentinels", "down_after_milliseconds", "2500");
            var failoverTimeout = Required(s, s.FailoverTimeout, "sentinels", "failover_timeout", "10000");
            var parallelSyncs = Required(s, s.ParallelSyncs, "sentinels", "parallel_syncs", "1");
            if (s.Nodes is not { Count: > 0 })
            {
                Problem(s, "sentinels has no 'nodes'; list where Sentinels run, e.g. 'nodes: [node22, node23, node24]'");
                return null;
            }
            var instances = new List<SentinelInstance>();
            foreach (var name in s.Nodes)
            {
                var node = KnownNode(s, name, "sentinels");
                if (node is null)
                {
                    continue;
                }
                if (instances.Any(i => i.Node == node))
                {
                    Problem(s, $"sentinels lists node '{name}' twice; one Sentinel per node");
                    continue;
                }
                var instance = new SentinelInstance(node, port ?? 0);
                if (port is not null && ValidPort(s, port.Value, "sentinels"))
                {
                    ClaimPort(s, node.Address, port.Value, $"Sentinel {instance.Name}");
                }
                instances.Add(instance);
            }
            if (quorum is not null && (quorum < 1 || quorum > s.Nodes.Count))
            {
                Problem(s, $"quorum {quorum} is not between 1 and the {s.Nodes.Count} Sentinels listed; lower the quorum or add Sentinels");
            }
            Positive(s, downAfter, "down_after_milliseconds");
            Positive(s, failoverTimeout, "failover_timeout");
            Positive(s, parallelSyncs, "parallel_syncs");
            return port is null || quorum is null || downAfter is null || failoverTimeout is null || parallelSyncs is null
                ? null
                : new SentinelGroup(instances, quorum.Value, downAfter.Value, failoverTimeout.Value, parallelSyncs.Value);
        }

        private ProxyInstance? BuildProxy(InventoryDocument doc)
        {
            var t = doc.Twemproxy;
            if (t is null)
            {
                Problem(doc, "missing 'twemproxy:'; give node, pool, listen, front_door, hash, distribution, auto_eject_hosts, redis, server_retry_timeout, server_failure_limit and server_names (reconfig is optional: lab by default)");
                return null;
            }
            var node = Required(t, t.Node, "twemproxy", "node", "node23");
            var pool = Required(t, t.Pool, "twemproxy", "pool", "redis_14555");
            var listen = Required(t, t.Listen, "twemproxy", "listen", "14555");
            var frontDoor = Required(t, t.FrontDoor, "twemproxy", "front_door", "127.0.0.1");
            var hash = Required(t, t.Hash, "twemproxy", "hash", "fnv1a_64");
            var distribution = Required(t, t.Distribution, "twemproxy", "distribution", "ketama");
            var autoEject = Required(t, t.AutoEjectHosts, "twemproxy", "auto_eject_hosts", "false");
            var redis = Required(t, t.Redis, "twemproxy", "redis", "true");
            var retry = Required(t, t.ServerRetryTimeout, "twemproxy", "server_retry_timeout", "2000");
            var failureLimit = Required(t, t.ServerFailureLimit, "twemproxy", "server_failure_limit", "1");
            var naming = Required(t, t.ServerNames, "twemproxy", "server_names", "shard");

            var proxyNode = node is null ? null : KnownNode(t, node, "twemproxy");
            if (pool is not null && !PoolNamePattern().IsMatch(pool))
            {
                Problem(t, $"twemproxy pool '{pool}' may only hold letters, digits and '_' (it names the config file)");
            }
            IPAddress? frontDoorAddress = null;
            if (frontDoor is not null && (!IPAddress.TryParse(frontDoor, out frontDoorAddress) || !IPAddress.IsLoopback(frontDoorAddress)))
            {
                Problem(t, $"twemproxy front_door '{frontDoor}' must be a loopback address, e.g. 127.0.0.1");
                frontDoorAddress = null;
            }
            if (hash is not null && !KnownHashes.Contains(hash))
            {
                Problem(t, $"twemproxy hash '{hash}' is not one nutcracker knows; use one of: {string.Join(", ", KnownHashes)}");
            }
            if (distribution is not null && !KnownDistributions.Contains(distribution))
            {
                Problem(t, $"twemproxy distribution '{distribution}' is not one nutcracker knows; use one of: {string.Join(", ", KnownDistributions)}");
            }
            if (redis is false)
            {
                Problem(t, "twemproxy redis: false would proxy memcached; this lab runs Redis, so set 'redis: true'");
            }
            Positive(t, retry, "server_retry_timeout");
            Positive(t, failureLimit, "server_failure_limit");
            ProxyServerNaming? serverNaming = naming switch
            {
                null => null,
                "shard" => ProxyServerNaming.Shard,
                "address" => ProxyServerNaming.Address,
                _ => null,
            };
            if (naming is not null && serverNaming is null)
            {
                Problem(t, $"twemproxy server_names '{naming}' is unknown; use 'shard' (host:port:1 g1, keys stay put on failover) or 'address' (the post's unnamed servers)");
            }
            var reconfig = BuildReconfigMode(t, node, doc.Sentinels);
            if (listen is not null && ValidPort(t, listen.Value, "twemproxy listen"))
            {
                if (proxyNode is not null)
                {
                    ClaimPort(t, proxyNode.Address, listen.Value, $"twemproxy on {proxyNode.Name}");
                }
                if (frontDoorAddress is not null && !frontDoorAddress.Equals(proxyNode?.Address))
                {
                    ClaimPort(t, frontDoorAddress, listen.Value, "twemproxy's front door");
                }
            }
            if (proxyNode is null || pool is null || listen is null || frontDoorAddress is null || hash is null ||
                distribution is null || autoEject is null || retry is null || failureLimit is null || serverNaming is null ||
                reconfig is null)
            {
                return null;
            }
            return new ProxyInstance(proxyNode, listen.Value, frontDoorAddress, pool, hash, distribution, autoEject.Value,
                retry.Value, failureLimit.Value, serverNaming.Value, reconfig.Value);
        }

        /// <summary>
        /// <c>reconfig</c>, optional: <c>lab</c> when absent. <c>post-script</c> hears only the Sentinel on the proxy's
        /// node, as the post's script did, so that node must run one.
        /// </summary>
        private ProxyReconfigMode? BuildReconfigMode(TwemproxySection t, string? proxyNode, SentinelsSection? sentinels)
        {
            ProxyReconfigMode? mode = t.Reconfig switch
            {
                null or "lab" => ProxyReconfigMode.Lab,
                "post-script" => ProxyReconfigMode.PostScript,
                _ => null,
            };
            if (mode is null)
            {
                Problem(t, $"twemproxy reconfig '{t.Reconfig}' is unknown; use 'lab' (the default: every Sentinel, majority, nutcracker -t) " +
                           "or 'post-script' (the post's client-reconfig-script: the proxy node's Sentinel, a textual rewrite, a restart)");
            }
            else if (mode == ProxyReconfigMode.PostScript && proxyNode is not null && sentinels?.Nodes is { } sentinelNodes &&
                     !sentinelNodes.Contains(proxyNode))
            {
                Problem(t, $"twemproxy reconfig 'post-script' takes failovers from the Sentinel on the proxy's node '{proxyNode}', " +
                           $"but sentinels.nodes does not list it; add {proxyNode} to sentinels.nodes or use 'reconfig: lab'");
            }
            return mode;
        }

        private T? Required<T>(ILocated at, T? value, string section, string key, string example)
        {
            if (value is null)
            {
                Problem(at, $"{section} is missing '{key}'; add e.g. '{key}: {example}'");
            }
            return value;
        }

        private void Positive(ILocated at, int? value, string key)
        {
            if (value is <= 0)
            {
                Problem(at, $"{key} must be a positive number, not {value}");
            }
        }

        private void Problem(ILocated at, string message) =>
            Problems.Add(new InventoryProblem(Math.Max(1, (int)at.Start.Line), message));
    }

    /// <summary>Stamps each section with the position where its mapping starts, for error messages.</summary>
    /// <typeparam name="TWrapped">The deserializer it wraps; YamlDotNet registers components by type, so each wrapper needs its own.</typeparam>
    private sealed class LocatingNodeDeserializer<TWrapped>(INodeDeserializer inner) : INodeDeserializer
        where TWrapped : INodeDeserializer
    {
        public bool Deserialize(IParser reader, Type expectedType, Func<IParser, Type, object?> nestedObjectDeserializer,
            out object? value, ObjectDeserializer rootDeserializer)
        {
            var start = reader.Current?.Start ?? Mark.Empty;
            if (!inner.Deserialize(reader, expectedType, nestedObjectDeserializer, out value, rootDeserializer))
            {
                return false;
            }
            if (value is ILocated located)
            {
                located.Start = start;
            }
            return true;
        }
    }
}
