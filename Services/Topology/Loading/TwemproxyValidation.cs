using System.Net;
using System.Text.RegularExpressions;
using static RedisHaLab.Topology.YamlOutline;

namespace RedisHaLab.Topology;

public static partial class InventoryLoader
{
    // What nutcracker 0.5.0 accepts for hash and distribution.
    private static readonly string[] KnownHashes =
        ["one_at_a_time", "md5", "crc16", "crc32", "crc32a", "fnv1_64", "fnv1a_64", "fnv1_32", "fnv1a_32", "hsieh", "murmur", "jenkins"];

    private static readonly string[] KnownDistributions = ["ketama", "modula", "random"];

    // The pool names the proxy's config files.
    [GeneratedRegex(@"^[A-Za-z0-9_]+\z")]
    private static partial Regex PoolNamePattern();

    // twemproxy: where the proxies run, their pool and nutcracker's settings, the front door and the reconfig mode.
    private sealed partial class Validation
    {
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
            else if (mode == ProxyReconfigMode.PostScript)
            {
                CheckPostScriptSentinels(at, proxyNodes, sentinels);
            }
            return mode;
        }
    }
}
