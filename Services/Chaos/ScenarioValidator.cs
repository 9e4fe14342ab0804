using RedisHaLab.Topology;

namespace RedisHaLab.Chaos;

/// <summary>
/// Checks a loaded scenario against the lab it will run on and against itself: every shard and node it names exists,
/// each fault suits its target, and the load is started once and stopped before the end. Every problem at once.
/// </summary>
public static class ScenarioValidator
{
    /// <summary>Throws when <paramref name="scenario"/> cannot run on the lab of <paramref name="inventory"/>.</summary>
    /// <exception cref="ScenarioException">What is wrong, each problem with its line and its fix.</exception>
    public static void Validate(Scenario scenario, Inventory inventory)
    {
        var problems = new Checks(inventory).Run(scenario);
        if (problems.Count > 0)
        {
            throw new ScenarioException(scenario.SourceFile, problems);
        }
    }

    private sealed class Checks(Inventory inventory)
    {
        private readonly List<ScenarioProblem> _problems = [];
        private readonly string _inventoryName = Path.GetFileName(inventory.SourceFile);

        public IReadOnlyList<ScenarioProblem> Run(Scenario scenario)
        {
            StartLoadStep? load = null;
            var keysWritten = false;
            foreach (var step in scenario.Steps)
            {
                switch (step)
                {
                    case WriteKeysStep:
                        keysWritten = true;
                        break;
                    case StartLoadStep start:
                        if (load is not null)
                        {
                            Problem(step, $"the load is already running (started on line {load.Line}); add '- stop_load' before starting another");
                        }
                        load = start;
                        break;
                    case StopLoadStep:
                        if (load is null)
                        {
                            Problem(step, "stop_load without a running load; add '- start_load: { rate: 200 }' before it");
                        }
                        load = null;
                        break;
                    case FaultStep fault:
                        CheckFault(fault);
                        break;
                    case ManualFailoverStep failover:
                        CheckShard(step, failover.Shard);
                        break;
                    case WaitForFailoverStep wait:
                        CheckShard(step, wait.Shard);
                        break;
                    case AssertProxyPointsAtMasterStep assert:
                        CheckShard(step, assert.Shard);
                        break;
                    case WaitForRoleStep role:
                        CheckRedisInstance(step, role.Target);
                        break;
                    case AssertProxyNeverWentBackStep never:
                        CheckRedisInstance(step, never.Target);
                        break;
                    case AssertKeysReadableStep when !keysWritten:
                        Problem(step, "no keys to read yet; add '- write_keys: 1000' before it");
                        break;
                }
            }
            if (load is not null)
            {
                Problem(load, "the load started here is never stopped; add '- stop_load' at the end so its writes are counted and checked");
            }
            return _problems.OrderBy(p => p.Line).ToList();
        }

        private void CheckFault(FaultStep fault)
        {
            if (fault.Target is FaultTarget.ReconfigService && fault.Kind is not (FaultKind.Stop or FaultKind.Start))
            {
                Problem(fault, $"the reconfig service is a process on the host, not a container: it can be stopped and started, not {fault.Kind.StepName()}ed; " +
                               "write 'stop: the reconfig service'");
                return;
            }
            CheckTarget(fault, fault.Target);
        }

        private void CheckRedisInstance(ScenarioStep step, FaultTarget target)
        {
            if (!target.IsRedisInstance)
            {
                Problem(step, $"'{target}' is not one Redis instance; use master of <shard>, replica of <shard>, original master of <shard> or original replica of <shard>");
                return;
            }
            CheckTarget(step, target);
        }

        private void CheckTarget(ScenarioStep step, FaultTarget target)
        {
            switch (target)
            {
                case FaultTarget.MasterOf t:
                    CheckShard(step, t.Shard);
                    break;
                case FaultTarget.ReplicaOf t:
                    CheckShard(step, t.Shard);
                    break;
                case FaultTarget.OriginalMasterOf t:
                    CheckShard(step, t.Shard);
                    break;
                case FaultTarget.OriginalReplicaOf t:
                    CheckShard(step, t.Shard);
                    break;
                case FaultTarget.Node node when inventory.Nodes.All(n => n.Name != node.Name):
                    Problem(step, $"'{node.Name}' is neither a node of {_inventoryName} ({string.Join(", ", inventory.Nodes.Select(n => n.Name))}) " +
                                  $"nor another target; write one of: {FaultTarget.Forms}");
                    break;
                case FaultTarget.SentinelOn on when inventory.Sentinels.Instances.All(s => s.Node.Name != on.NodeName):
                    Problem(step, $"no Sentinel runs on '{on.NodeName}' in {_inventoryName}; Sentinels run on " +
                                  string.Join(", ", inventory.Sentinels.Instances.Select(s => s.Node.Name)));
                    break;
            }
        }

        private void CheckShard(ScenarioStep step, string shard)
        {
            if (inventory.Shards.All(s => s.Name != shard))
            {
                Problem(step, $"shard '{shard}' is not in {_inventoryName}; it has {string.Join(", ", inventory.Shards.Select(s => s.Name))}");
            }
        }

        private void Problem(ScenarioStep step, string message) => _problems.Add(new ScenarioProblem(step.Line, message));
    }
}
