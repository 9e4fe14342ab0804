using RedisHaLab.Chaos.Playbooks;
using RedisHaLab.Topology;

namespace RedisHaLab.Chaos;

/// <summary>
/// The longest each playbook step may take, from the bounds of the code that runs it (its timeout, its retries, its
/// clients' timeouts), so that a playbook's windows (a forged announcement's) and its 10 minutes can be checked before
/// the lab starts. No step counts as nothing: a Docker request or a client's round trip has its bound here too.
/// </summary>
public static class StepBudget
{
    /// <summary>The longest a playbook may run: the runner cancels it past this, and the validator refuses one that may take longer.</summary>
    public static readonly TimeSpan PlaybookWithin = TimeSpan.FromMinutes(10);

    /// <summary>
    /// One request to the local Docker engine (a signal, a pause, a network change, a look at a container's state),
    /// which has no bound of its own: the engine answers in milliseconds; this allows a loaded 2-core machine.
    /// </summary>
    public static readonly TimeSpan DockerRequest = TimeSpan.FromSeconds(2);

    /// <summary>A container started again: Docker's start, the process up, its network attached (the lab's data sets are small).</summary>
    public static readonly TimeSpan ContainerStart = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan Quick = TimeSpan.FromMilliseconds(LabClients.QuickMilliseconds);
    private static readonly TimeSpan ProxyRoundTrip = TimeSpan.FromMilliseconds(LabClients.ProxyMilliseconds);

    /// <summary>
    /// The longest <paramref name="step"/> may take on the lab of <paramref name="inventory"/>, never zero; for
    /// <c>heal_all</c>, with the faults <paramref name="standing"/> before it (what it has to undo).
    /// </summary>
    public static TimeSpan WorstCase(ScenarioStep step, Inventory inventory, IReadOnlyCollection<FaultStep>? standing = null) => step switch
    {
        WaitStep wait => wait.Duration,
        WaitForFailoverStep wait => wait.Timeout,
        WaitForRoleStep wait => wait.Timeout,
        AssertKeysReadableStep assert => assert.Timeout,
        AssertWritesSucceedStep assert => assert.Timeout,
        AssertProxyPointsAtMasterStep assert => assert.Timeout,
        WaitForRotationStep wait => wait.Timeout,
        ManualFailoverStep => ManualFailoverStep.RetryWithin,
        SwitchoverStep => Switchover.Within,
        ForgeMasterStep => SentinelForgery.ForgeWithin,
        RestoreMasterStep => SentinelForgery.RestoreWithin,
        FaultStep fault => Fault(fault.Kind),
        // Batches of writes, each answered within the proxy client's timeout, then each shard's replicas caught up.
        WriteKeysStep write => (ProxyRoundTrip * Batches(write.Count)) + (PlaybookRunner.CatchUpWithin * inventory.Shards.Count),
        // The shards' masters asked, a few keys of each shard written and looked for on every master, a connection per shard.
        StartLoadStep => (Quick * (2 * inventory.Shards.Count)) + (ProxyRoundTrip * (1 + inventory.Shards.Count)),
        StopLoadStep => WriteLane.DrainWithin + ProxyRoundTrip,
        // Every container looked at (its state, stopped by a signal?, cut off?), one after another, then what stands undone.
        HealAllStep => (DockerRequest * (3 * inventory.ContainerNames.Count)) + Undoing(standing ?? [], inventory),
        // The masters asked and connected to, then one connection after another: connect, write, read on each master.
        AssertEveryConnectionServedStep assert => (Quick * (2 * inventory.Shards.Count)) + (Quick * (assert.Connections * (2 + inventory.Shards.Count))),
        // A look at the run's own record, after asking which instance the target names now.
        AssertProxyNeverWentBackStep => Quick * (1 + inventory.Shards.Count),
        // They wait for the shards to converge first.
        AssertNoAcknowledgedWriteLostStep or AssertNoWriteFailedStep or AssertAcknowledgedWritesLostStep => LabConvergence.Within,
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, "a step without a worst case: add it here"),
    };

    /// <summary>A fault on one target; several containers (a node's) are hit at once, so it is the time of one.</summary>
    private static TimeSpan Fault(FaultKind kind) => kind switch
    {
        FaultKind.Kill => DockerRequest + LabContainers.KillWithin,
        FaultKind.Stop => DockerRequest + LabContainers.StopGrace,
        FaultKind.Start => ContainerStart,
        FaultKind.Restart => DockerRequest + LabContainers.KillWithin + ContainerStart,
        // Its peers' addresses looked up, then the filter written into the container's network namespace.
        FaultKind.Isolate => DockerRequest * 3,
        FaultKind.Pause or FaultKind.Resume or FaultKind.Partition or FaultKind.Heal => DockerRequest,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "a fault without a worst case: add it here"),
    };

    /// <summary>Undoing <paramref name="standing"/> container by container: a start for a kill or a stop, one request otherwise.</summary>
    private static TimeSpan Undoing(IReadOnlyCollection<FaultStep> standing, Inventory inventory) =>
        standing.Aggregate(TimeSpan.Zero, (sum, fault) => sum + ((fault.Kind is FaultKind.Kill or FaultKind.Stop ? ContainerStart : DockerRequest) * ContainersHit(fault.Target, inventory)));

    /// <summary>How many containers a fault on <paramref name="target"/> hits: every one of a node's, else one.</summary>
    private static int ContainersHit(FaultTarget target, Inventory inventory) => target is FaultTarget.Node node
        ? inventory.RedisInstances.Count(i => i.Node.Name == node.Name) + inventory.Sentinels.Instances.Count(s => s.Node.Name == node.Name)
          + (2 * inventory.Proxies.Count(p => p.Node.Name == node.Name))
        : 1;

    private static int Batches(int keys) => (keys + KeySet.Batch - 1) / KeySet.Batch;
}
