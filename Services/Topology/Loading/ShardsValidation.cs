using System.Text.RegularExpressions;
using static RedisHaLab.Topology.YamlOutline;

namespace RedisHaLab.Topology;

public static partial class InventoryLoader
{
    // Sentinel's config and events carry a shard's Sentinel name as one word.
    [GeneratedRegex(@"^[A-Za-z0-9_.-]+\z")]
    private static partial Regex SentinelNamePattern();

    // shards: each with its Sentinel name, its master and replicas, each instance a <node>:<port> that claims its port.
    private sealed partial class Validation
    {
        private List<Shard> BuildShards(InventoryDocument doc)
        {
            var result = new List<Shard>();
            var sentinelNames = new HashSet<string>();
            foreach (var (name, shard, at) in Entries(doc.Shards, "shards", "missing 'shards:'; list each shard with its sentinel_name, master and replicas",
                         name => $"shard {Shown(name)} has no settings; give it sentinel_name, master and replicas"))
            {
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
    }
}
