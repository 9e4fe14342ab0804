using System.Diagnostics;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.Chaos.Playbooks;

/// <summary>
/// Runs a playbook (a scenario file's steps) in order against a running lab, telling a progress sink as each step starts
/// and ends. Every wait and check is bounded by its step's timeout, and the whole by <see cref="StepBudget.PlaybookWithin"/>;
/// a step that fails stops the playbook, and the result
/// names the file, line and reason. The command line, the dashboard and the tests all run playbooks through this.
/// </summary>
public sealed class PlaybookRunner(ChaosLab lab, IPlaybookProgress progress)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    /// <summary>How long <c>write_keys</c> waits for each shard's replicas to have the keys.</summary>
    internal static readonly TimeSpan CatchUpWithin = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Runs <paramref name="scenario"/> (the lab should be in its inventory's starting state) and returns what it
    /// measured. A step that fails ends the playbook there: the result says which and why, the steps after it did not run.
    /// </summary>
    public async Task<PlaybookResult> RunAsync(Scenario scenario, CancellationToken cancellationToken)
    {
        // The playbook's bound, enforced here whoever calls: every step gets the token, and a step whose work does not
        // heed it (a Docker call, a client's round trip) is left behind at the bound rather than waited for.
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(StepBudget.PlaybookWithin);
        cancellationToken = bound.Token;
        progress.PlaybookStarted(scenario);
        var clock = Stopwatch.StartNew();
        var steps = new List<StepResult>();
        string? failure = null;
        Run? run = null;
        try
        {
            run = await Run.StartAsync(lab);
            var live = run;
            foreach (var step in scenario.Steps)
            {
                if (failure is not null)
                {
                    steps.Add(new StepResult(step.Line, step.Text, TimeSpan.Zero, StepOutcome.NotRun, ""));
                    continue;
                }
                progress.StepStarted(step, () => live.Load?.Counters);
                var stepClock = Stopwatch.StartNew();
                StepResult result;
                try
                {
                    var note = await ExecuteAsync(run, step, cancellationToken).WaitAsync(cancellationToken);
                    result = new StepResult(step.Line, step.Text, stepClock.Elapsed, StepOutcome.Passed, note);
                }
                catch (Exception e) when (e is ChaosException or RedisException or TimeoutException or Docker.DotNet.DockerApiException or OperationCanceledException)
                {
                    var reason = e is OperationCanceledException
                        ? $"the playbook ran out of time (a playbook runs at most {StepBudget.PlaybookWithin.TotalMinutes:0} minutes)"
                        : e.Message;
                    result = new StepResult(step.Line, step.Text, stepClock.Elapsed, StepOutcome.Failed, reason);
                    failure = $"{scenario.SourceFile}:{step.Line}: '{step.Text}' failed: {reason}";
                }
                steps.Add(result);
                progress.StepEnded(result, run.Load?.Counters);
            }
        }
        catch (Exception e) when (run is null && e is ChaosException or RedisException or TimeoutException)
        {
            // Not even the probes could start: the lab is not there to play against.
            failure = $"{scenario.SourceFile}:1: cannot start the playbook's probes on the lab: {e.Message}";
        }
        finally
        {
            if (run is not null)
            {
                // A forgery left standing (a step failed between forge_master and restore_master) destroys a shard's data
                // within seconds: undo it before anything else, whatever stopped the playbook.
                await RestoreForgeriesAsync(run);
                // A playbook that failed, or ended, still stops its load and counts every write at convergence: the
                // accounting of a failed run is the one most worth reading.
                await CountLeftoverLoadsAsync(run);
                progress.Note($"routing by probe keys: {run.Watch}");
                await run.DisposeAsync();
            }
        }
        var outcome = new PlaybookResult(scenario.Name, scenario.SourceFile, scenario.Description, clock.Elapsed, steps,
            run?.Recoveries ?? [], run?.LoadReports ?? [], run?.Switchovers ?? [], failure);
        progress.PlaybookEnded(outcome);
        return outcome;
    }

    private async Task RestoreForgeriesAsync(Run run)
    {
        foreach (var shard in run.Forged.ToList())
        {
            try
            {
                progress.Note($"restoring the forged master of {shard}: {await lab.Faults.RestoreMasterAsync(lab.Shard(shard), CancellationToken.None)}");
            }
            catch (Exception e) when (e is ChaosException or RedisException or TimeoutException)
            {
                progress.Note($"restoring the forged master of {shard} failed: {e.Message}");
            }
            run.Forged.Remove(shard);
        }
    }

    private async Task CountLeftoverLoadsAsync(Run run)
    {
        try
        {
            if (run.Load is not null)
            {
                await StopLoadAsync(run);
                progress.Note("the load was still running: stopped, to be counted at convergence");
            }
            await CountLoadsAsync(run, CancellationToken.None);
        }
        catch (Exception e) when (e is ChaosException or RedisException or TimeoutException)
        {
            progress.Note($"the load's writes could not be counted: {e.Message}");
        }
    }

    /// <summary>Stops the running load and keeps it to be counted at convergence.</summary>
    private static async Task<StoppedLoad> StopLoadAsync(Run run)
    {
        var stopped = await run.Load!.StopAsync();
        await run.Load.DisposeAsync();
        run.Load = null;
        run.Uncounted.Add(stopped);
        return stopped;
    }

    /// <summary>
    /// Counts every stopped load not counted yet, once the shards have converged (bounded by <see cref="LabConvergence.Within"/>):
    /// each key read from its shard's settled master. Until then a write can sit on an instance about to throw it away.
    /// </summary>
    private async Task CountLoadsAsync(Run run, CancellationToken cancellationToken)
    {
        if (run.Uncounted.Count == 0)
        {
            return;
        }
        var clock = Stopwatch.StartNew();
        var states = await new LabConvergence(lab).WaitAsync(LabConvergence.Within, cancellationToken);
        progress.Note($"shards {(states.All(s => s.Converged) ? "converged" : "waited for")} in {clock.Elapsed.TotalSeconds:0.0} s: {string.Join("; ", states.Select(s => $"{s.Shard.Name} {s}"))}");
        foreach (var stopped in run.Uncounted)
        {
            var report = await stopped.CountAsync(states, lab.Password);
            run.LoadReports.Add(report);
            progress.Note($"load counted at convergence: {report}" + (report.Errors.Count == 0 ? "" : $"; errors: {string.Join("; ", report.Errors.Select(e => $"{e.Value} x {e.Key}"))}"));
        }
        run.Uncounted.Clear();
    }

    /// <summary>The last load stopped, counted at convergence; throws when the shards did not converge, since its counts would prove nothing.</summary>
    private async Task<LoadReport> LastCountedLoadAsync(Run run, CancellationToken cancellationToken)
    {
        await CountLoadsAsync(run, cancellationToken);
        var last = run.LoadReports[^1];
        if (!last.Converged)
        {
            throw new ChaosException($"cannot tell what the load lost: {string.Join("; ", last.Shards.Where(x => !x.Convergence.Converged).Select(x => $"{x.Shard} {x.Convergence}"))}");
        }
        return last;
    }

    /// <summary>
    /// Applies a fault step. An undo (start, resume, heal) acts on the containers its fault step hit, not on whoever holds
    /// the role now: after a failover "master of g1" is the promoted replica, and resuming that would leave the old master
    /// frozen while the playbook passed. An undo whose target the fault step wrote otherwise must name containers a
    /// standing fault of its kind hit.
    /// </summary>
    private async Task<IReadOnlyList<string>> ApplyFaultAsync(Run run, FaultStep fault, CancellationToken cancellationToken)
    {
        var undoes = fault.Kind.Undoes();
        if (undoes.Count == 0)
        {
            var hit = await lab.Faults.ApplyAsync(fault.Kind, fault.Target, cancellationToken);
            if (fault.Kind.IsStanding())
            {
                run.Standing.Add(new StandingFault(fault, [.. hit]));
            }
            return hit;
        }
        var matching = run.Standing.Where(f => undoes.Contains(f.Step.Kind)).ToList();
        List<string> containers;
        if (matching.FirstOrDefault(f => f.Step.Target == fault.Target) is { } same)
        {
            containers = [.. same.Containers];
            run.Standing.Remove(same);
        }
        else
        {
            containers = [.. await lab.Targets.ContainersAsync(fault.Target)];
            var stray = containers.Where(c => !matching.Any(f => f.Containers.Contains(c))).ToList();
            if (stray.Count > 0)
            {
                var hits = matching.Count == 0 ? $"no {string.Join(" or ", undoes.Select(k => k.StepName()))} of this playbook stands"
                    : string.Join("; ", matching.Select(f => $"'{f.Step.Text}' hit {string.Join(", ", f.Containers)}"));
                throw new ChaosException($"'{fault.Text}' names {string.Join(", ", stray)} now, which no standing fault of this playbook hit ({hits}); " +
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
        await Task.WhenAll(containers.Select(c => lab.Faults.ApplyAsync(fault.Kind, c, cancellationToken)));
        return containers;
    }

    private async Task<string> ExecuteAsync(Run run, ScenarioStep step, CancellationToken cancellationToken)
    {
        switch (step)
        {
            case WriteKeysStep write:
                await run.Keys.WriteAsync(run.Proxy, write.Count);
                // Replication is asynchronous: the keys count as written once every replica has them.
                foreach (var shard in lab.Inventory.Shards)
                {
                    await Until(() => RedisProbe.ReplicasBehindAsync(shard, run.Masters[shard], lab.Password), CatchUpWithin, $"replicas of {shard.Name} caught up", cancellationToken);
                }
                return $"{run.Keys.Count} keys in all, replicas caught up";
            case StartLoadStep start:
                run.Load = await WriteLoad.StartAsync(lab, start.RatePerSecond, $"load:{run.Id}");
                return "";
            case StopLoadStep:
            {
                var stopped = await StopLoadAsync(run);
                return $"stopped after {stopped.Duration.TotalSeconds:0.0} s; its writes are counted once the shards have converged";
            }
            case SwitchoverStep switchover:
            {
                var outcome = await new Switchover(lab).RunAsync(lab.Shard(switchover.Shard), cancellationToken);
                run.Switchovers.Add(outcome);
                run.Masters[lab.Shard(switchover.Shard)] = outcome.To;
                return outcome.ToString();
            }
            case AssertNoAcknowledgedWriteLostStep:
            {
                var last = await LastCountedLoadAsync(run, cancellationToken);
                var losing = last.Shards.Where(x => x.Lost + x.RolledBack > 0).ToList();
                return losing.Count == 0
                    ? $"none of {last.Acknowledged} acknowledged writes lost or rolled back, read from each shard's settled master"
                    : throw new ChaosException($"{last.Lost} of {last.Acknowledged} acknowledged writes lost, {last.RolledBack} rolled back ({string.Join("; ", losing)})");
            }
            case AssertNoWriteFailedStep:
            {
                var last = await LastCountedLoadAsync(run, cancellationToken);
                var interrupted = last.Shards.Where(x => x.Failed + x.Indeterminate > 0).ToList();
                return interrupted.Count == 0
                    ? $"all {last.Acknowledged} writes acknowledged: none refused, none without an answer"
                    : throw new ChaosException($"{last.Failed} writes refused and {last.Indeterminate} without an answer of {last.Acknowledged + last.Failed + last.Indeterminate} ({string.Join("; ", interrupted)})");
            }
            case AssertAcknowledgedWritesLostStep expected:
            {
                var last = await LastCountedLoadAsync(run, cancellationToken);
                var shard = last.Shards.Single(x => x.Shard == expected.Shard);
                if (shard.Lost + shard.RolledBack == 0)
                {
                    throw new ChaosException($"the loss this playbook stages did not show: none of {shard.Acknowledged} acknowledged writes of {shard.Shard} lost or rolled back ({shard})");
                }
                // The other shards' losses are reported, not judged: a proxy restart has been seen to let a write the
                // client was told failed land after a later one (a rollback) on a shard nothing else touched.
                var others = last.Shards.Where(x => x.Shard != expected.Shard).Select(x => $"{x.Shard}: {x.Lost} lost, {x.RolledBack} rolled back");
                return $"{shard.Shard} lost {shard.Lost} and rolled back {shard.RolledBack} of {shard.Acknowledged} acknowledged writes, as staged ({string.Join("; ", others)})";
            }
            case FaultStep fault:
            {
                // Timed from before the call: the fault may bite well before Docker answers (a kill returns once the
                // engine saw the container exit), and recovery must not start late.
                var sent = Stopwatch.StartNew();
                var containers = await ApplyFaultAsync(run, fault, cancellationToken);
                // Recovery counts from the latest disruptive fault on a container: after "kill a Sentinel, then a
                // master" it is the master's death that makes keys unreachable.
                if (fault.Kind.IsDisruptive() && fault.Target is not (FaultTarget.ReconfigService or FaultTarget.ReconfigServiceOn))
                {
                    run.PendingFault = (fault.Text, sent);
                }
                return containers.Count == 0 ? "" : $"-> {string.Join(", ", containers)}";
            }
            case ManualFailoverStep failover:
            {
                var shard = lab.Shard(failover.Shard);
                string? acceptedBy = null;
                await Until(async () =>
                {
                    try
                    {
                        acceptedBy = await lab.Faults.ManualFailoverAsync(shard);
                        return null;
                    }
                    catch (ChaosException e)
                    {
                        // In progress, or no replica fit yet (an old master still rejoining): both pass.
                        return e.Message;
                    }
                }, ManualFailoverStep.RetryWithin, $"Sentinel accepting SENTINEL FAILOVER {shard.SentinelMasterName}", cancellationToken);
                return $"accepted by {acceptedBy}";
            }
            case WaitStep wait:
                await Task.Delay(wait.Duration, cancellationToken);
                return "";
            case WaitForFailoverStep wait:
            {
                var shard = lab.Shard(wait.Shard);
                var before = run.Masters[shard];
                RedisInstance? promoted = null;
                var waiting = Until(async () =>
                {
                    var master = await lab.Masters.OfAsync(shard);
                    if (master.Instance is null || master.Instance == before)
                    {
                        return $"the current master is {master}";
                    }
                    // A failover is done when the Sentinels have switched too: what follows (a fail-back, a forged
                    // announcement) acts on them.
                    var vote = await lab.Sentinels.MasterOfAsync(shard);
                    if (vote.Master != master.Instance)
                    {
                        return $"{master}, but the Sentinels name {vote}";
                    }
                    promoted = master.Instance;
                    return await RedisProbe.RoleAsync(promoted, lab.Password) == "master" ? null : $"{promoted.Name} no longer answers ROLE master";
                }, wait.Timeout, $"a new master of {shard.Name}", cancellationToken);
                try
                {
                    await waiting;
                }
                catch (ChaosException e)
                {
                    // Asked only now, so the wait itself adds no load: why the Sentinels did not fail over.
                    throw new ChaosException($"{e.Message}; Sentinels: {await lab.Sentinels.FailoverStateAsync(shard)}");
                }
                run.Masters[shard] = promoted!;
                return $"{before.Name} -> {promoted!.Name}";
            }
            case WaitForRoleStep wait:
            {
                var instance = await lab.Targets.RedisInstanceAsync(wait.Target);
                var shard = lab.Shard(instance.ShardName);
                await Until(async () =>
                {
                    var info = await RedisProbe.ReplicationAsync(instance, lab.Password);
                    if (wait.Role == RedisRole.Master)
                    {
                        return info.IsMaster ? null : $"{instance.Name} is {info}";
                    }
                    var master = await lab.Masters.OfAsync(shard);
                    return master.Instance is not null && info.IsReplicaOf(master.Instance) ? null : $"{instance.Name} is {info}; the current master is {master}";
                }, wait.Timeout, $"{instance.Name} to be a {wait.Role.ToString().ToLowerInvariant()}", cancellationToken);
                return $"{instance.Name} is a {wait.Role.ToString().ToLowerInvariant()}";
            }
            case ForgeMasterStep forge:
                // Counted as standing before it is sent: even a forgery only some Sentinels took must be undone.
                run.Forged.Add(forge.Shard);
                return await lab.Faults.ForgeMasterAsync(lab.Shard(forge.Shard), forge.Address);
            case RestoreMasterStep restore:
            {
                var note = await lab.Faults.RestoreMasterAsync(lab.Shard(restore.Shard), cancellationToken);
                run.Forged.Remove(restore.Shard);
                return note;
            }
            case HealAllStep:
                run.Standing.Clear();
                var healed = await new LabReset(lab).HealAllAsync(cancellationToken);
                return healed.Count == 0 ? "nothing to heal" : string.Join(", ", healed);
            case AssertKeysReadableStep assert:
                try
                {
                    await Until(async () =>
                    {
                        var readback = await run.Keys.ReadBackAsync(run.Proxy);
                        return readback.Unreadable == 0 ? null : readback.ToString();
                    }, assert.Timeout, "every key readable through the proxy", cancellationToken);
                }
                catch (ChaosException e)
                {
                    // Asked only now: whether the Sentinels failed the shards over, to tell lost data from stale routing.
                    throw new ChaosException($"{e.Message}; {await MastersNowAsync()}");
                }
                if (run.PendingFault is { } pending)
                {
                    run.Recoveries.Add(new Recovery(pending.Fault, pending.Clock.Elapsed));
                    run.PendingFault = null;
                    return $"all {run.Keys.Count} keys readable, {pending.Clock.Elapsed.TotalSeconds:0.00} s after '{pending.Fault}'";
                }
                return $"all {run.Keys.Count} keys readable";
            case AssertWritesSucceedStep assert:
                await Until(() => FreshWritesProblemAsync(run.Proxy), assert.Timeout, "fresh writes acknowledged and read back through the proxy", cancellationToken);
                return "";
            case AssertProxyPointsAtMasterStep assert:
            {
                var shard = lab.Shard(assert.Shard);
                RedisInstance? master = null;
                var clock = Stopwatch.StartNew();
                await Until(async () =>
                {
                    IReadOnlyDictionary<Shard, RedisInstance> masters;
                    try
                    {
                        masters = await lab.Masters.RequireAllAsync(lab.Inventory);
                    }
                    catch (ChaosException e)
                    {
                        return e.Message;
                    }
                    master = masters[shard];
                    return await RoutingProbe.ProblemAsync(run.Proxy, shard, masters, assert.Timeout - clock.Elapsed, lab.Password);
                }, assert.Timeout, $"probe keys of {shard.Name} written through the front door landing on its current master", cancellationToken);
                return $"{shard.Name} -> {master!.Name}, by probe keys read back there";
            }
            case AssertProxyNeverWentBackStep assert:
            {
                var instance = await lab.Targets.RedisInstanceAsync(assert.Target);
                var problem = RoutingWatch.WentBack(run.Watch.Changes, lab.Shard(instance.ShardName), instance);
                return problem is null ? $"probe keys left {instance.Name} once, for good" : throw new ChaosException(problem);
            }
            case AssertEveryConnectionServedStep assert:
            {
                var masters = await lab.Masters.RequireAllAsync(lab.Inventory);
                var problem = await FrontDoorSpread.ProblemAsync(LabEndpoints.FrontDoor(lab.Inventory), masters, assert.Connections, lab.Password);
                return problem is null ? $"{assert.Connections} new connections, each of their {FrontDoorSpread.KeysPerConnection} keys on a current master" : throw new ChaosException(problem);
            }
            case WaitForRotationStep wait:
            {
                var proxy = (await lab.Targets.ContainersAsync(wait.Proxy)).Single();
                IReadOnlyList<RotationState> states = [];
                await Until(async () =>
                {
                    states = await LoadBalancerStats.ReadAsync(lab.Inventory.LoadBalancer!, cancellationToken);
                    var state = states.FirstOrDefault(s => s.Proxy == proxy);
                    // In: fully up. Out: no new connections at all (a proxy one failed check away from down still gets them).
                    return state is not null && (wait.InRotation ? state.IsUp : !state.InRotation) ? null : $"the load balancer has {string.Join(", ", states)}";
                }, wait.Timeout, $"{proxy} {(wait.InRotation ? "in" : "out of")} rotation", cancellationToken);
                return string.Join(", ", states);
            }
            default:
                throw new ChaosException($"this runner does not know the step '{step.Text}'");
        }
    }

    /// <summary>Each shard's master as its instances' ROLE and the Sentinels' majority say, for a failure's message.</summary>
    private async Task<string> MastersNowAsync()
    {
        var shards = await Task.WhenAll(lab.Inventory.Shards.Select(async shard =>
            $"{shard.Name}: {await lab.Masters.OfAsync(shard)}, Sentinels name {await lab.Sentinels.MasterOfAsync(shard)}"));
        return $"masters now: {string.Join("; ", shards)}";
    }

    /// <summary>Null when a few fresh keys write and read back through the proxy, else what went wrong.</summary>
    private static async Task<string?> FreshWritesProblemAsync(IDatabase proxy)
    {
        var keys = Enumerable.Range(0, 20).Select(_ => $"fresh:{Guid.NewGuid():N}").ToList();
        try
        {
            var written = await Task.WhenAll(keys.Select(k => proxy.StringSetAsync(k, k)));
            var read = await Task.WhenAll(keys.Select(k => proxy.StringGetAsync(k)));
            var bad = keys.Where((k, i) => !written[i] || read[i] != k).Count();
            return bad == 0 ? null : $"{bad} of {keys.Count} fresh keys did not write and read back";
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return e.Message;
        }
    }

    /// <summary>Polls <paramref name="check"/> until it returns null, for at most <paramref name="within"/>; throws with its last answer.</summary>
    private static async Task Until(Func<Task<string?>> check, TimeSpan within, string what, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string? problem;
        while ((problem = await check().WaitAsync(cancellationToken)) is not null)
        {
            if (clock.Elapsed >= within)
            {
                throw new ChaosException($"waited {within.TotalSeconds:0} s for {what}: {problem}");
            }
            await Task.Delay(Poll, cancellationToken);
        }
    }

    /// <summary>A fault step whose effect stands, and the containers it hit that no undo has reached yet.</summary>
    private sealed record StandingFault(FaultStep Step, List<string> Containers);

    /// <summary>The state of one run: its keys, its load, the masters it knows, where writes landed, the forgeries standing.</summary>
    private sealed class Run : IAsyncDisposable
    {
        private Run(ConnectionMultiplexer proxy, Dictionary<Shard, RedisInstance> masters, RoutingWatch watch)
        {
            Id = $"{DateTime.UtcNow:HHmmss}-{Guid.NewGuid():N}"[..15];
            ProxyConnection = proxy;
            Keys = new KeySet($"scenario:{Id}");
            Masters = masters;
            Watch = watch;
        }

        public string Id { get; }

        public ConnectionMultiplexer ProxyConnection { get; }

        public IDatabase Proxy => ProxyConnection.GetDatabase();

        public KeySet Keys { get; }

        /// <summary>Each shard's master as this run last saw it: what a <c>wait_for_failover</c> waits to change.</summary>
        public Dictionary<Shard, RedisInstance> Masters { get; }

        /// <summary>Where writes through the front door land, all through the run, by data.</summary>
        public RoutingWatch Watch { get; }

        /// <summary>Shards whose forged master is not restored yet.</summary>
        public HashSet<string> Forged { get; } = [];

        public WriteLoad? Load { get; set; }

        public List<LoadReport> LoadReports { get; } = [];

        /// <summary>Loads stopped but not counted yet: counting waits for convergence.</summary>
        public List<StoppedLoad> Uncounted { get; } = [];

        /// <summary>Faults in place, each with the containers it hit: what an undo step acts on.</summary>
        public List<StandingFault> Standing { get; } = [];

        public List<SwitchoverOutcome> Switchovers { get; } = [];

        public (string Fault, Stopwatch Clock)? PendingFault { get; set; }

        public List<Recovery> Recoveries { get; } = [];

        public static async Task<Run> StartAsync(ChaosLab lab)
        {
            var masters = new Dictionary<Shard, RedisInstance>();
            foreach (var shard in lab.Inventory.Shards)
            {
                masters[shard] = await lab.Targets.CurrentMasterAsync(shard);
            }
            return new Run(await LabClients.ProxyAsync(LabEndpoints.FrontDoor(lab.Inventory), lab.Password), masters,
                await RoutingWatch.StartAsync(lab.Inventory, lab.Password));
        }

        public async ValueTask DisposeAsync()
        {
            if (Load is not null)
            {
                await Load.DisposeAsync();
            }
            await Watch.DisposeAsync();
            await ProxyConnection.DisposeAsync();
        }
    }
}
