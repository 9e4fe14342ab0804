using static RedisHaLab.Topology.YamlOutline;

namespace RedisHaLab.Topology;

public static partial class InventoryLoader
{
    // sentinels: where Sentinels run, their port and their failover settings.
    private sealed partial class Validation
    {
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
    }
}
