using RedisHaLab.Faults;
using RedisHaLab.Topology;

namespace RedisHaLab.Playbooks;

/// <summary>
/// What a step checks of the inventory its playbook runs on (see <see cref="ScenarioStep.Check"/>): each problem goes to
/// the validator's list at the step's line.
/// </summary>
internal sealed class StepChecks(Inventory inventory, List<ScenarioProblem> problems)
{
    public Inventory Inventory => inventory;

    /// <summary>The inventory's file name, as errors name it.</summary>
    public string InventoryName { get; } = Path.GetFileName(inventory.SourceFile);

    public void Problem(ScenarioStep step, string message) => problems.Add(new ScenarioProblem(step.Line, message));

    public void Shard(ScenarioStep step, string shard)
    {
        if (inventory.Shards.All(s => s.Name != shard))
        {
            Problem(step, $"shard '{shard}' is not in {InventoryName}; it has {string.Join(", ", inventory.Shards.Select(s => s.Name))}");
        }
    }

    public void RedisInstance(ScenarioStep step, FaultTarget target)
    {
        if (!target.IsRedisInstance)
        {
            Problem(step, $"'{target}' is not one Redis instance; use master of <shard>, replica of <shard>, original master of <shard> or original replica of <shard>");
            return;
        }
        Target(step, target);
    }

    public void Target(ScenarioStep step, FaultTarget target)
    {
        switch (target)
        {
            case FaultTarget.MasterOf t:
                Shard(step, t.Shard);
                break;
            case FaultTarget.ReplicaOf t:
                Shard(step, t.Shard);
                break;
            case FaultTarget.OriginalMasterOf t:
                Shard(step, t.Shard);
                break;
            case FaultTarget.OriginalReplicaOf t:
                Shard(step, t.Shard);
                break;
            case FaultTarget.Node node when inventory.Nodes.All(n => n.Name != node.Name):
                Problem(step, $"'{node.Name}' is neither a node of {InventoryName} ({string.Join(", ", inventory.Nodes.Select(n => n.Name))}) " +
                              $"nor another target; write one of: {FaultTarget.Forms}");
                break;
            case FaultTarget.ProxyOn on when inventory.Proxies.All(p => p.Node.Name != on.NodeName):
                Problem(step, $"no proxy runs on '{on.NodeName}' in {InventoryName}; proxies run on {string.Join(", ", inventory.Proxies.Select(p => p.Node.Name))}");
                break;
            case FaultTarget.ReconfigServiceOn on when inventory.Proxies.All(p => p.Node.Name != on.NodeName):
                Problem(step, $"no reconfig service runs on '{on.NodeName}' in {InventoryName} (one runs beside each proxy, on " +
                              $"{string.Join(", ", inventory.Proxies.Select(p => p.Node.Name))})");
                break;
            case FaultTarget.LoadBalancer when inventory.LoadBalancer is null:
                Problem(step, $"{InventoryName} has no load balancer; aim at 'the proxy' or use an inventory with 'load_balancer:' (e.g. post-2016-proxy-ha.yml)");
                break;
            case FaultTarget.SentinelOn on when inventory.Sentinels.Instances.All(s => s.Node.Name != on.NodeName):
                Problem(step, $"no Sentinel runs on '{on.NodeName}' in {InventoryName}; Sentinels run on " +
                              string.Join(", ", inventory.Sentinels.Instances.Select(s => s.Node.Name)));
                break;
        }
    }
}
