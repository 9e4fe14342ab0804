using System.Diagnostics;
using RedisHaLab.Faults;
using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.Playbooks;

/// <summary><c>kill: master of g1</c> and the other faults: one <see cref="FaultKind"/> aimed at a role.</summary>
public sealed record FaultStep(int Line, FaultKind Kind, FaultTarget Target) : ScenarioStep(Line)
{
    /// <summary>One name per fault kind (<c>kill</c>, <c>heal</c>, ...), each taking a target.</summary>
    internal static StepKind Definition { get; } = new([.. FaultKinds.ByStepName.Keys], (read, step) =>
    {
        var target = read.Target(step.Value, step.Item, step.Name, $"{step.Name}: master of g1");
        return target is null ? null : new FaultStep(step.Line, FaultKinds.ByStepName[step.Name], target);
    });

    /// <inheritdoc />
    public override string Text => $"{Kind.StepName()}: {Target}";

    internal override void Check(StepChecks checks)
    {
        if (Kind == FaultKind.Isolate)
        {
            // Isolation cuts an instance off from its shard and the Sentinels: only a Redis instance has those.
            checks.RedisInstance(this, Target);
            return;
        }
        checks.Target(this, Target);
    }

    /// <summary>A fault on one target; several containers (a node's) are hit at once, so it is the time of one.</summary>
    internal override TimeSpan WorstCase(Inventory inventory, IReadOnlyCollection<FaultStep> standing) => Kind switch
    {
        FaultKind.Kill => StepBudget.DockerRequest + LabContainers.KillWithin,
        FaultKind.Stop => StepBudget.DockerRequest + LabContainers.StopGrace,
        FaultKind.Start => StepBudget.ContainerStart,
        FaultKind.Restart => StepBudget.DockerRequest + LabContainers.KillWithin + StepBudget.ContainerStart,
        // Its peers' addresses looked up, then the filter written into the container's network namespace.
        FaultKind.Isolate => StepBudget.DockerRequest * 3,
        // The container looked at, then the filter written into its network namespace.
        FaultKind.CutResolver => StepBudget.DockerRequest * 2,
        FaultKind.Pause or FaultKind.Resume or FaultKind.Partition or FaultKind.Heal => StepBudget.DockerRequest,
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "a fault without a worst case: add it here"),
    };

    internal override async Task<string> RunAsync(PlaybookRun run, CancellationToken cancellationToken)
    {
        // Timed from before the call: the fault may bite well before Docker answers (a kill returns once the engine saw
        // the container exit), and recovery must not start late.
        var sent = Stopwatch.StartNew();
        var containers = await ApplyAsync(run, cancellationToken);
        // Recovery counts from the latest disruptive fault on a container: after "kill a Sentinel, then a master" it is
        // the master's death that makes keys unreachable.
        if (Kind.IsDisruptive() && Target is not (FaultTarget.ReconfigService or FaultTarget.ReconfigServiceOn))
        {
            run.PendingFault = (Text, sent);
        }
        return containers.Count == 0 ? "" : $"-> {string.Join(", ", containers)}";
    }

    /// <summary>
    /// Applies the fault. An undo (start, resume, heal) acts on the containers its fault step hit, not on whoever holds
    /// the role now: after a failover "master of g1" is the promoted replica, and resuming that would leave the old master
    /// frozen while the playbook passed. An undo whose target the fault step wrote otherwise must name containers a
    /// standing fault of its kind hit.
    /// </summary>
    private async Task<IReadOnlyList<string>> ApplyAsync(PlaybookRun run, CancellationToken cancellationToken)
    {
        var lab = run.Lab;
        var undoes = Kind.Undoes();
        if (undoes.Count == 0)
        {
            var hit = await lab.Faults.ApplyAsync(Kind, Target, cancellationToken);
            if (Kind.IsStanding())
            {
                run.Standing.Add(new StandingFault(this, [.. hit]));
            }
            return hit;
        }
        var matching = run.Standing.Where(f => undoes.Contains(f.Step.Kind)).ToList();
        List<string> containers;
        if (matching.FirstOrDefault(f => f.Step.Target == Target) is { } same)
        {
            containers = [.. same.Containers];
            run.Standing.Remove(same);
        }
        else
        {
            containers = [.. await lab.Targets.ContainersAsync(Target)];
            var stray = containers.Where(c => !matching.Any(f => f.Containers.Contains(c))).ToList();
            if (stray.Count > 0)
            {
                var hits = matching.Count == 0 ? $"no {string.Join(" or ", undoes.Select(k => k.StepName()))} of this playbook stands"
                    : string.Join("; ", matching.Select(f => $"'{f.Step.Text}' hit {string.Join(", ", f.Containers)}"));
                throw new ChaosException($"'{Text}' names {string.Join(", ", stray)} now, which no standing fault of this playbook hit ({hits}); " +
                                         "write its target as the fault step wrote it");
            }
            foreach (var f in matching)
            {
                f.Containers.RemoveAll(containers.Contains);
                if (f.Containers.Count == 0)
                {
                    run.Standing.Remove(f);
                }
            }
        }
        await Task.WhenAll(containers.Select(c => lab.Faults.ApplyAsync(Kind, c, cancellationToken)));
        return containers;
    }
}
