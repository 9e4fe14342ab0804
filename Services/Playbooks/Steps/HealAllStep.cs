using RedisHaLab.Faults;
using RedisHaLab.Topology;

namespace RedisHaLab.Playbooks;

/// <summary><c>heal_all</c>: resumes, reconnects (the machine's resolver too) and starts every container, the reconfig service's included.</summary>
public sealed record HealAllStep(int Line) : ScenarioStep(Line)
{
    internal static StepKind Definition { get; } = new("heal_all", (read, step) => read.NoValue(step.Value, step.Name) ? new HealAllStep(step.Line) : null);

    /// <inheritdoc />
    public override string Text => "heal_all";

    // Every container looked at (its state, stopped by a signal?, cut off the network?, cut off from the machine's
    // resolver?), one after another, then what stands undone.
    internal override TimeSpan WorstCase(Inventory inventory, IReadOnlyCollection<FaultStep> standing) =>
        (StepBudget.DockerRequest * (4 * inventory.ContainerNames.Count)) + Undoing(standing, inventory);

    internal override async Task<string> RunAsync(PlaybookRun run, CancellationToken cancellationToken)
    {
        run.Standing.Clear();
        var healed = await new LabReset(run.Lab).HealAllAsync(cancellationToken);
        return healed.Count == 0 ? "nothing to heal" : string.Join(", ", healed);
    }

    /// <summary>Undoing <paramref name="standing"/> container by container: a start for a kill or a stop, one request otherwise.</summary>
    private static TimeSpan Undoing(IReadOnlyCollection<FaultStep> standing, Inventory inventory) =>
        standing.Aggregate(TimeSpan.Zero, (sum, fault) =>
            sum + ((fault.Kind is FaultKind.Kill or FaultKind.Stop ? StepBudget.ContainerStart : StepBudget.DockerRequest) * ContainersHit(fault.Target, inventory)));

    /// <summary>How many containers a fault on <paramref name="target"/> hits: every one of a node's, else one.</summary>
    private static int ContainersHit(FaultTarget target, Inventory inventory) => target is FaultTarget.Node node
        ? inventory.RedisInstances.Count(i => i.Node.Name == node.Name) + inventory.Sentinels.Instances.Count(s => s.Node.Name == node.Name)
          + (2 * inventory.Proxies.Count(p => p.Node.Name == node.Name))
        : 1;
}
