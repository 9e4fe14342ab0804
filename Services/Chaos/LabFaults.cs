using RedisHaLab.Topology;

namespace RedisHaLab.Chaos;

/// <summary>
/// Every fault the lab can stage, aimed by role: the target is resolved when the fault runs, then the fault goes to
/// Docker (containers, the network), to a Sentinel (manual failover) or to the reconfig service's switch.
/// </summary>
public sealed class LabFaults(ChaosLab lab)
{
    /// <summary>Applies <paramref name="kind"/> to whatever <paramref name="target"/> means now; returns the containers it hit.</summary>
    /// <exception cref="ChaosException">The target cannot take that fault, or cannot be resolved.</exception>
    public async Task<IReadOnlyList<string>> ApplyAsync(FaultKind kind, FaultTarget target, CancellationToken cancellationToken)
    {
        if (target is FaultTarget.ReconfigService)
        {
            await SwitchReconfigAsync(kind, cancellationToken);
            return [];
        }
        var containers = await lab.Targets.ContainersAsync(target);
        // All at once: a node going down takes every instance on it in the same instant, as a host crash would.
        await Task.WhenAll(containers.Select(c => ApplyAsync(kind, c, cancellationToken)));
        return containers;
    }

    /// <summary>Applies <paramref name="kind"/> to one container of the lab, by name.</summary>
    public Task ApplyAsync(FaultKind kind, string container, CancellationToken cancellationToken) => kind switch
    {
        FaultKind.Kill => lab.Containers.KillAsync(container, cancellationToken),
        FaultKind.Stop => lab.Containers.StopAsync(container, cancellationToken),
        FaultKind.Start => lab.Containers.StartAsync(container, cancellationToken),
        FaultKind.Pause => lab.Containers.PauseAsync(container, cancellationToken),
        FaultKind.Resume => lab.Containers.ResumeAsync(container, cancellationToken),
        FaultKind.Partition => lab.Network.PartitionAsync(container, cancellationToken),
        FaultKind.Heal => lab.Network.HealAsync(container, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>SIGKILL to every instance the inventory puts on <paramref name="node"/>, all at once.</summary>
    public Task<IReadOnlyList<string>> KillNodeAsync(LabNode node, CancellationToken cancellationToken) =>
        ApplyAsync(FaultKind.Kill, new FaultTarget.Node(node.Name), cancellationToken);

    /// <summary>Asks a Sentinel to fail <paramref name="shard"/> over now (<c>SENTINEL FAILOVER</c>); returns the Sentinel that accepted.</summary>
    public Task<string> ManualFailoverAsync(Shard shard) => lab.Sentinels.FailoverAsync(shard);

    private Task SwitchReconfigAsync(FaultKind kind, CancellationToken cancellationToken)
    {
        var reconfig = lab.Reconfig
            ?? throw new ChaosException("this host gave the chaos library no way to stop or start the reconfig service");
        return kind switch
        {
            FaultKind.Stop => reconfig.StopAsync(cancellationToken),
            FaultKind.Start => reconfig.StartAsync(cancellationToken),
            _ => throw new ChaosException($"the reconfig service is a process on the host, not a container: it can be stopped and started, not {kind.StepName()}ed"),
        };
    }
}
