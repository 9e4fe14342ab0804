using RedisHaLab.Topology;

namespace RedisHaLab.Chaos;

/// <summary>One step of a scenario and the line it is written on.</summary>
public abstract record ScenarioStep(int Line)
{
    /// <summary>The step as a scenario writes it, e.g. <c>kill: master of g1</c>; reports print it.</summary>
    public abstract string Text { get; }
}

/// <summary><c>write_keys: N</c>: writes N new keys through the proxy and waits until every replica has them.</summary>
public sealed record WriteKeysStep(int Line, int Count) : ScenarioStep(Line)
{
    /// <inheritdoc />
    public override string Text => $"write_keys: {Count}";
}

/// <summary><c>start_load: { rate: N }</c>: starts N writes a second through the proxy, each a new key, until <c>stop_load</c>.</summary>
public sealed record StartLoadStep(int Line, int RatePerSecond) : ScenarioStep(Line)
{
    /// <inheritdoc />
    public override string Text => $"start_load: {{ rate: {RatePerSecond} }}";
}

/// <summary>
/// <c>stop_load</c>: stops the load. Its writes are counted (acknowledged, failed, indeterminate, lost, rolled back, per
/// shard) once the shards have converged: at the next assertion about loss, or at the playbook's end.
/// </summary>
public sealed record StopLoadStep(int Line) : ScenarioStep(Line)
{
    /// <inheritdoc />
    public override string Text => "stop_load";
}

/// <summary><c>kill: master of g1</c> and the other faults: one <see cref="FaultKind"/> aimed at a role.</summary>
public sealed record FaultStep(int Line, FaultKind Kind, FaultTarget Target) : ScenarioStep(Line)
{
    /// <inheritdoc />
    public override string Text => $"{Kind.StepName()}: {Target}";
}

/// <summary>
/// <c>manual_failover: g1</c>: asks a Sentinel to fail the shard over (<c>SENTINEL FAILOVER</c>). Sentinels refuse while a
/// failover is in progress or while they know no replica fit to promote (an old master still rejoining), so the request
/// is repeated for up to <see cref="RetryWithin"/>.
/// </summary>
public sealed record ManualFailoverStep(int Line, string Shard) : ScenarioStep(Line)
{
    /// <summary>How long a refused request is repeated.</summary>
    public static readonly TimeSpan RetryWithin = TimeSpan.FromSeconds(20);

    /// <inheritdoc />
    public override string Text => $"manual_failover: {Shard}";
}

/// <summary>
/// <c>switchover: g1</c>: a planned switchover that loses no acknowledged write (see <see cref="Switchover"/>): writes
/// paused on the master, the replica caught up, <c>SENTINEL FAILOVER</c>, the proxy seen following, the pause released.
/// </summary>
public sealed record SwitchoverStep(int Line, string Shard) : ScenarioStep(Line)
{
    /// <inheritdoc />
    public override string Text => $"switchover: {Shard}";
}

/// <summary>
/// <c>assert_no_acknowledged_write_lost</c>: once the shards have converged, the load stopped last lost no write Redis
/// had acknowledged and none was rolled back, on any shard.
/// </summary>
public sealed record AssertNoAcknowledgedWriteLostStep(int Line) : ScenarioStep(Line)
{
    /// <inheritdoc />
    public override string Text => "assert_no_acknowledged_write_lost";
}

/// <summary>
/// <c>assert_no_write_failed</c>: the front door served throughout: the load stopped last had no write refused and none
/// left without an answer, on any shard (a stricter claim than no loss: nothing was even interrupted).
/// </summary>
public sealed record AssertNoWriteFailedStep(int Line) : ScenarioStep(Line)
{
    /// <inheritdoc />
    public override string Text => "assert_no_write_failed";
}

/// <summary>
/// <c>assert_acknowledged_writes_lost: g1</c>: the loss a playbook stages, stated so that it must show: once the shards
/// have converged, the load stopped last lost (or rolled back) acknowledged writes of this shard.
/// </summary>
public sealed record AssertAcknowledgedWritesLostStep(int Line, string Shard) : ScenarioStep(Line)
{
    /// <inheritdoc />
    public override string Text => $"assert_acknowledged_writes_lost: {Shard}";
}

/// <summary><c>wait: 5s</c>: lets time pass (e.g. longer than Sentinel's down-after).</summary>
public sealed record WaitStep(int Line, TimeSpan Duration) : ScenarioStep(Line)
{
    /// <inheritdoc />
    public override string Text => $"wait: {DurationText.Format(Duration)}";
}

/// <summary>
/// <c>wait_for_failover: { shard: g1 }</c>: until the shard's current master (see <see cref="ShardMasters"/>) is another
/// instance than the run last knew, a majority of the Sentinels names that one too, and it answers ROLE master.
/// </summary>
public sealed record WaitForFailoverStep(int Line, string Shard, TimeSpan Timeout) : ScenarioStep(Line)
{
    /// <inheritdoc />
    public override string Text => $"wait_for_failover: {{ shard: {Shard}, timeout: {DurationText.Format(Timeout)} }}";
}

/// <summary><c>wait_for_role: { target: original master of g1, role: replica }</c>: until the instance has that role (a replica: of the shard's current master, link up).</summary>
public sealed record WaitForRoleStep(int Line, FaultTarget Target, RedisRole Role, TimeSpan Timeout) : ScenarioStep(Line)
{
    /// <inheritdoc />
    public override string Text => $"wait_for_role: {{ target: {Target}, role: {Role.ToString().ToLowerInvariant()}, timeout: {DurationText.Format(Timeout)} }}";
}

/// <summary><c>heal_all</c>: resumes, reconnects and starts every container, the reconfig service's included.</summary>
public sealed record HealAllStep(int Line) : ScenarioStep(Line)
{
    /// <inheritdoc />
    public override string Text => "heal_all";
}

/// <summary><c>assert_keys_readable</c>: until every key of <c>write_keys</c> reads back through the proxy.</summary>
public sealed record AssertKeysReadableStep(int Line, TimeSpan Timeout) : ScenarioStep(Line)
{
    /// <inheritdoc />
    public override string Text => $"assert_keys_readable: {{ timeout: {DurationText.Format(Timeout)} }}";
}

/// <summary><c>assert_writes_succeed</c>: until fresh writes through the proxy are all acknowledged and read back.</summary>
public sealed record AssertWritesSucceedStep(int Line, TimeSpan Timeout) : ScenarioStep(Line)
{
    /// <inheritdoc />
    public override string Text => $"assert_writes_succeed: {{ timeout: {DurationText.Format(Timeout)} }}";
}

/// <summary>
/// <c>assert_proxy_points_at_master: { shard: g1 }</c>: until, by data, the front door routes the shard to its current
/// master: fresh probe keys written through the front door are each found on exactly one shard's current master, read
/// there directly, and one of them (within <see cref="RoutingProbe.MaxKeys"/>) on this shard's.
/// </summary>
public sealed record AssertProxyPointsAtMasterStep(int Line, string Shard, TimeSpan Timeout) : ScenarioStep(Line)
{
    /// <inheritdoc />
    public override string Text => $"assert_proxy_points_at_master: {{ shard: {Shard}, timeout: {DurationText.Format(Timeout)} }}";
}

/// <summary>
/// <c>assert_proxy_never_went_back: original master of g1</c>: by the run's <see cref="RoutingWatch"/>, probe keys of the
/// instance's shard landed on it first, then left it, and never landed on it again.
/// </summary>
public sealed record AssertProxyNeverWentBackStep(int Line, FaultTarget Target) : ScenarioStep(Line)
{
    /// <inheritdoc />
    public override string Text => $"assert_proxy_never_went_back: {Target}";
}

/// <summary>
/// <c>forge_master: { shard: g1, address: master of g2 }</c>: tells every Sentinel, with a forged hello at an epoch above
/// theirs, that the one instance the address means masters the shard (see <see cref="SentinelForgery"/>). Must be
/// undone by <c>restore_master</c> within seconds.
/// </summary>
public sealed record ForgeMasterStep(int Line, string Shard, FaultTarget Address) : ScenarioStep(Line)
{
    /// <inheritdoc />
    public override string Text => $"forge_master: {{ shard: {Shard}, address: {Address} }}";
}

/// <summary>
/// <c>restore_master: g1</c>: names the shard's real master (the one instance answering ROLE master) to every Sentinel
/// at a still higher epoch, resets their view of the shard, and waits (at most <see cref="SentinelForgery.RestoreWithin"/>)
/// until a majority names that master with its replicas again.
/// </summary>
public sealed record RestoreMasterStep(int Line, string Shard) : ScenarioStep(Line)
{
    /// <inheritdoc />
    public override string Text => $"restore_master: {Shard}";
}

/// <summary>
/// <c>assert_every_connection_served: { connections: 20 }</c>: at once, each of that many new front-door connections
/// writes probe keys, and every key is acknowledged and found on exactly one shard's current master (see
/// <see cref="FrontDoorSpread"/>). Behind a load balancer new connections spread over the proxies in rotation, so a
/// stale or dead proxy among them fails this.
/// </summary>
public sealed record AssertEveryConnectionServedStep(int Line, int Connections) : ScenarioStep(Line)
{
    /// <inheritdoc />
    public override string Text => $"assert_every_connection_served: {{ connections: {Connections} }}";
}

/// <summary>
/// <c>wait_for_rotation: { proxy: proxy on node24, state: out }</c>: until the load balancer has the proxy in rotation
/// (<c>in</c>) or out of it (<c>out</c>), by its stats page.
/// </summary>
public sealed record WaitForRotationStep(int Line, FaultTarget Proxy, bool InRotation, TimeSpan Timeout) : ScenarioStep(Line)
{
    /// <inheritdoc />
    public override string Text => $"wait_for_rotation: {{ proxy: {Proxy}, state: {(InRotation ? "in" : "out")}, timeout: {DurationText.Format(Timeout)} }}";
}
