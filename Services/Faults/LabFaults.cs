using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.Faults;

/// <summary>
/// Every fault the lab can stage, aimed by role: the target is resolved when the fault runs, then the fault goes to
/// Docker (containers, the reconfig service's included, and the network) or to the Sentinels (a manual failover, a
/// forged announcement).
/// </summary>
public sealed class LabFaults(ChaosLab lab)
{
    private readonly SentinelForgery _forgery = new(lab.Inventory, lab.Sentinels);

    /// <summary>Applies <paramref name="kind"/> to whatever <paramref name="target"/> means now; returns the containers it hit.</summary>
    /// <exception cref="ChaosException">The target cannot be resolved.</exception>
    public async Task<IReadOnlyList<string>> ApplyAsync(FaultKind kind, FaultTarget target, CancellationToken cancellationToken)
    {
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
        FaultKind.Heal => HealAsync(container, cancellationToken),
        FaultKind.Restart => RestartAsync(container, cancellationToken),
        FaultKind.Isolate => lab.Isolation.IsolateAsync(container, PeersOf(container), cancellationToken),
        FaultKind.CutResolver => lab.ResolverCut.CutAsync(container, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>
    /// Whom an isolated Redis instance loses: the other instances of its shard and every Sentinel. Not the proxies, the
    /// reconfig services or the other shard: clients keep reaching it, which is what makes the split costly.
    /// </summary>
    /// <exception cref="ChaosException">The container is no Redis instance of the inventory.</exception>
    internal static IReadOnlyList<string> PeersOf(Inventory inventory, string container)
    {
        var instance = inventory.RedisInstances.FirstOrDefault(i => i.Name == container)
                       ?? throw new ChaosException($"{container} is no Redis instance of {Path.GetFileName(inventory.SourceFile)}; only a Redis instance can be isolated from its shard and the Sentinels");
        var shard = inventory.Shards.Single(s => s.Name == instance.ShardName);
        return [.. shard.Replicas.Prepend(shard.Master).Where(i => i != instance).Select(i => i.Name), .. inventory.Sentinels.Instances.Select(s => s.Name)];
    }

    private IReadOnlyList<string> PeersOf(string container) => PeersOf(lab.Inventory, container);

    /// <summary>Back as it was: the machine's resolver given back when it was cut, then the network (a partition, an isolation) healed.</summary>
    private async Task HealAsync(string container, CancellationToken cancellationToken)
    {
        if (await lab.ResolverCut.IsCutAsync(container, cancellationToken))
        {
            await lab.ResolverCut.RestoreAsync(container, cancellationToken);
        }
        await lab.Network.HealAsync(container, cancellationToken);
    }

    private async Task RestartAsync(string container, CancellationToken cancellationToken)
    {
        // The kill returns once the process is gone, so the start cannot find it running and do nothing.
        await lab.Containers.KillAsync(container, cancellationToken);
        await lab.Containers.StartAsync(container, cancellationToken);
    }

    /// <summary>SIGKILL to every container the inventory puts on <paramref name="node"/>, all at once.</summary>
    public Task<IReadOnlyList<string>> KillNodeAsync(LabNode node, CancellationToken cancellationToken) =>
        ApplyAsync(FaultKind.Kill, new FaultTarget.Node(node.Name), cancellationToken);

    /// <summary>
    /// Cuts every running container of the lab off from the machine's resolver (see <see cref="MachineResolverCut"/>),
    /// all at once; returns the containers cut. <see cref="RestoreMachineResolverAsync"/> undoes it.
    /// </summary>
    /// <exception cref="ChaosException">A container could not be cut; every other one is given its resolver back first.</exception>
    public async Task<IReadOnlyList<string>> CutMachineResolverAsync(CancellationToken cancellationToken)
    {
        var running = await RunningContainersAsync(cancellationToken);
        try
        {
            await Task.WhenAll(running.Select(c => lab.ResolverCut.CutAsync(c, cancellationToken)));
        }
        catch (ChaosException)
        {
            // Nothing half-made: a lab cut in part would test neither case.
            await RestoreMachineResolverAsync(CancellationToken.None);
            throw;
        }
        return running;
    }

    /// <summary>Gives every running container of the lab the machine's resolver back; returns those that had been cut off from it.</summary>
    public async Task<IReadOnlyList<string>> RestoreMachineResolverAsync(CancellationToken cancellationToken)
    {
        var running = await RunningContainersAsync(cancellationToken);
        var restored = await Task.WhenAll(running.Select(async c => await lab.ResolverCut.RestoreAsync(c, cancellationToken) ? c : null));
        return [.. restored.OfType<string>()];
    }

    private async Task<IReadOnlyList<string>> RunningContainersAsync(CancellationToken cancellationToken)
    {
        var running = new List<string>();
        foreach (var container in lab.ContainerNames)
        {
            if (await lab.Containers.IsRunningAsync(container, cancellationToken))
            {
                running.Add(container);
            }
        }
        return running;
    }

    /// <summary>Asks a Sentinel to fail <paramref name="shard"/> over now (<c>SENTINEL FAILOVER</c>); returns the Sentinel that accepted.</summary>
    public Task<string> ManualFailoverAsync(Shard shard) => lab.Sentinels.FailoverAsync(shard);

    /// <summary>
    /// Tells every Sentinel, with a forged hello, that the one instance <paramref name="address"/> means now masters
    /// <paramref name="shard"/>. Undo it within seconds with <see cref="RestoreMasterAsync"/> (see <see cref="SentinelForgery"/>).
    /// </summary>
    /// <exception cref="ChaosException">The address is no single instance now, or a majority of the Sentinels did not adopt it.</exception>
    public async Task<string> ForgeMasterAsync(Shard shard, FaultTarget address) =>
        await _forgery.ForgeAsync(shard, await lab.Targets.RedisInstanceAsync(address));

    /// <summary>Names <paramref name="shard"/>'s real master (by ROLE) to every Sentinel again and waits until a majority agrees.</summary>
    /// <exception cref="ChaosException">The shard has no single master by ROLE, or the Sentinels do not agree in time.</exception>
    public Task<string> RestoreMasterAsync(Shard shard, CancellationToken cancellationToken) =>
        _forgery.RestoreAsync(shard, cancellationToken);
}
