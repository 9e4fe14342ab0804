namespace RedisHaLab.Faults;

/// <summary>What a fault does to its target.</summary>
public enum FaultKind
{
    /// <summary>SIGKILL: the process dies at once, as in the post's <c>kill</c>.</summary>
    Kill,

    /// <summary>A clean stop (SIGTERM, then SIGKILL after a grace period).</summary>
    Stop,

    /// <summary>Starts a killed or stopped container again.</summary>
    Start,

    /// <summary>SIGSTOP: alive but silent; connections open, nothing answered.</summary>
    Pause,

    /// <summary>SIGCONT: a paused process carries on where it stopped.</summary>
    Resume,

    /// <summary>Cut off the lab network: it runs, nobody reaches it, it reaches nobody.</summary>
    Partition,

    /// <summary>Back on the lab network under its old names (after a partition or an isolation).</summary>
    Heal,

    /// <summary>
    /// A partial partition of a Redis instance: cut off from the other instances of its shard and from every Sentinel,
    /// while the proxy, the reconfig service and the host still reach it. A master so isolated keeps taking the proxy's
    /// writes while the Sentinels promote its replica: the split that <c>min-replicas-to-write</c> guards against.
    /// </summary>
    Isolate,

    /// <summary>
    /// SIGKILL, then started again at once: an orchestrator restarting a crashed process well within Sentinel's
    /// down-after, so no failover happens. A master without persistence comes back empty and its replica copies that.
    /// </summary>
    Restart,

    /// <summary>
    /// The machine's DNS resolver stops answering the container (the host's resolver down, slow or unreachable): every
    /// DNS query it sends past its own loopback is dropped (<see cref="MachineResolverCut"/>). The lab's own resolver in
    /// the container still answers, so nothing should change: this is the fault that proves it. Undone by a heal.
    /// </summary>
    CutResolver,
}

/// <summary>The words scenarios use for each <see cref="FaultKind"/>.</summary>
public static class FaultKinds
{
    /// <summary>Step name to kind, e.g. <c>kill</c>.</summary>
    public static IReadOnlyDictionary<string, FaultKind> ByStepName { get; } =
        Enum.GetValues<FaultKind>().ToDictionary(StepName);

    /// <summary>The step name of <paramref name="kind"/>, e.g. <c>partition</c>, <c>cut_resolver</c>.</summary>
    public static string StepName(this FaultKind kind) => kind == FaultKind.CutResolver ? "cut_resolver" : kind.ToString().ToLowerInvariant();

    /// <summary>True for faults that take something away (a kill, a stop, a pause, a partition, an isolation) rather than give it back.</summary>
    public static bool IsDisruptive(this FaultKind kind) => kind is FaultKind.Kill or FaultKind.Stop or FaultKind.Pause or FaultKind.Partition or FaultKind.Isolate or FaultKind.Restart;

    /// <summary>
    /// True for faults that stay in place until a step undoes them (a kill, a stop, a pause, a partition, an isolation,
    /// a resolver cut); a restart undoes itself.
    /// </summary>
    public static bool IsStanding(this FaultKind kind) => kind is FaultKind.Kill or FaultKind.Stop or FaultKind.Pause or FaultKind.Partition or FaultKind.Isolate or FaultKind.CutResolver;

    /// <summary>The standing faults <paramref name="kind"/> undoes (a start undoes a kill or a stop), empty for a fault.</summary>
    public static IReadOnlyList<FaultKind> Undoes(this FaultKind kind) => kind switch
    {
        FaultKind.Start => [FaultKind.Kill, FaultKind.Stop],
        FaultKind.Resume => [FaultKind.Pause],
        FaultKind.Heal => [FaultKind.Partition, FaultKind.Isolate, FaultKind.CutResolver],
        _ => [],
    };

    /// <summary>The step that undoes <paramref name="kind"/>, a standing fault: <c>start</c>, <c>resume</c> or <c>heal</c>.</summary>
    public static FaultKind UndoneBy(this FaultKind kind) => kind switch
    {
        FaultKind.Kill or FaultKind.Stop => FaultKind.Start,
        FaultKind.Pause => FaultKind.Resume,
        FaultKind.Partition or FaultKind.Isolate or FaultKind.CutResolver => FaultKind.Heal,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a standing fault"),
    };
}
