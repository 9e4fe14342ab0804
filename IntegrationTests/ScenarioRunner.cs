using System.Diagnostics;
using RedisHaLab.Chaos;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.IntegrationTests;

/// <summary>How long a disruptive fault took to stop mattering: from the fault to every key readable through the front door.</summary>
internal sealed record Recovery(string Fault, TimeSpan Duration);

/// <summary>What running a scenario measured.</summary>
internal sealed record ScenarioResult(string Name, TimeSpan Duration, IReadOnlyList<Recovery> Recoveries, LoadReport? Load);

/// <summary>
/// Runs a scenario's steps in order against a running lab, printing each step's duration as it ends. Every wait and
/// check is bounded by its step's timeout; a step that fails stops the scenario with the file, line and reason.
/// </summary>
internal sealed class ScenarioRunner(ChaosLab lab, TextWriter report)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan CatchUpWithin = TimeSpan.FromSeconds(15);

    /// <summary>Runs <paramref name="scenario"/>; the lab should be in its inventory's starting state.</summary>
    public async Task<ScenarioResult> RunAsync(Scenario scenario, CancellationToken cancellationToken)
    {
        report.WriteLine($"scenario {scenario.Name}: {scenario.Description}");
        var clock = Stopwatch.StartNew();
        await using var run = await Run.StartAsync(lab);
        try
        {
            foreach (var step in scenario.Steps)
            {
                var stepClock = Stopwatch.StartNew();
                string note;
                try
                {
                    note = await ExecuteAsync(run, step, cancellationToken);
                }
                catch (Exception e) when (e is ChaosException or RedisException or TimeoutException or Docker.DotNet.DockerApiException)
                {
                    report.WriteLine($"  line {step.Line,3}  {step.Text,-70} FAILED after {stepClock.Elapsed.TotalSeconds,6:0.00} s");
                    PrintRouting(run);
                    throw new ChaosException($"{scenario.SourceFile}:{step.Line}: '{step.Text}' failed: {e.Message}", e);
                }
                report.WriteLine($"  line {step.Line,3}  {step.Text,-70} {stepClock.Elapsed.TotalSeconds,6:0.00} s{(note.Length > 0 ? $"  {note}" : "")}");
            }
        }
        finally
        {
            // A forgery left standing (a step failed between forge_master and restore_master) destroys a shard's data
            // within seconds: undo it before anything else, whatever stopped the scenario.
            await RestoreForgeriesAsync(run);
        }
        PrintRouting(run);
        var result = new ScenarioResult(scenario.Name, clock.Elapsed, run.Recoveries, run.LoadReport);
        report.WriteLine($"  total {result.Duration.TotalSeconds:0.0} s; recovery: " +
                         (result.Recoveries.Count == 0 ? "none measured" : string.Join(", ", result.Recoveries.Select(r => $"{r.Duration.TotalSeconds:0.00} s after '{r.Fault}'"))));
        return result;
    }

    private void PrintRouting(Run run) =>
        report.WriteLine($"  routing by probe keys: {run.Watch}");

    private async Task RestoreForgeriesAsync(Run run)
    {
        foreach (var shard in run.Forged.ToList())
        {
            try
            {
                report.WriteLine($"  restoring the forged master of {shard}: {await lab.Faults.RestoreMasterAsync(lab.Shard(shard), CancellationToken.None)}");
            }
            catch (Exception e) when (e is ChaosException or RedisException or TimeoutException)
            {
                report.WriteLine($"  restoring the forged master of {shard} failed: {e.Message}");
            }
            run.Forged.Remove(shard);
        }
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
                    await Until(() => RedisProbe.ReplicasBehindAsync(shard, run.Masters[shard], lab.Password), CatchUpWithin, $"replicas of {shard.Name} caught up");
                }
                return $"{run.Keys.Count} keys in all, replicas caught up";
            case StartLoadStep start:
                run.Load = await WriteLoad.StartAsync(LabEndpoints.FrontDoor(lab.Inventory), lab.Password, start.RatePerSecond, $"load:{run.Id}");
                return "";
            case StopLoadStep:
                run.LoadReport = await run.Load!.StopAsync();
                await run.Load.DisposeAsync();
                run.Load = null;
                return run.LoadReport.ToString() + (run.LoadReport.Errors.Count == 0 ? "" : $"; errors: {string.Join("; ", run.LoadReport.Errors.Select(e => $"{e.Value} x {e.Key}"))}");
            case FaultStep fault:
                var containers = await lab.Faults.ApplyAsync(fault.Kind, fault.Target, cancellationToken);
                // Recovery counts from the latest disruptive fault on a container: after "kill a Sentinel, then a
                // master" it is the master's death that makes keys unreachable.
                if (fault.Kind.IsDisruptive() && fault.Target is not (FaultTarget.ReconfigService or FaultTarget.ReconfigServiceOn))
                {
                    run.PendingFault = (fault.Text, Stopwatch.StartNew());
                }
                return containers.Count == 0 ? "" : $"-> {string.Join(", ", containers)}";
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
                }, ManualFailoverStep.RetryWithin, $"Sentinel accepting SENTINEL FAILOVER {shard.SentinelMasterName}");
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
                }, wait.Timeout, $"a new master of {shard.Name}");
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
                }, wait.Timeout, $"{instance.Name} a {wait.Role.ToString().ToLowerInvariant()}");
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
                var healed = await new LabReset(lab).HealAllAsync(cancellationToken);
                return healed.Count == 0 ? "nothing to heal" : string.Join(", ", healed);
            case AssertKeysReadableStep assert:
                await Until(async () =>
                {
                    var unreadable = await run.Keys.UnreadableAsync(run.Proxy);
                    return unreadable == 0 ? null : $"{unreadable} of {run.Keys.Count} keys unreadable";
                }, assert.Timeout, "every key readable through the proxy");
                if (run.PendingFault is { } pending)
                {
                    run.Recoveries.Add(new Recovery(pending.Fault, pending.Clock.Elapsed));
                    run.PendingFault = null;
                    return $"all {run.Keys.Count} keys readable, {pending.Clock.Elapsed.TotalSeconds:0.00} s after '{pending.Fault}'";
                }
                return $"all {run.Keys.Count} keys readable";
            case AssertWritesSucceedStep assert:
                await Until(() => FreshWritesProblemAsync(run.Proxy), assert.Timeout, "fresh writes acknowledged and read back through the proxy");
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
                }, assert.Timeout, $"probe keys of {shard.Name} written through the front door landing on its current master");
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
                }, wait.Timeout, $"{proxy} {(wait.InRotation ? "in" : "out of")} rotation");
                return string.Join(", ", states);
            }
            default:
                throw new ChaosException($"this runner does not know the step '{step.Text}'");
        }
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
    private static async Task Until(Func<Task<string?>> check, TimeSpan within, string what)
    {
        var clock = Stopwatch.StartNew();
        string? problem;
        while ((problem = await check()) is not null)
        {
            if (clock.Elapsed >= within)
            {
                throw new ChaosException($"no {what} within {within.TotalSeconds:0} s: {problem}");
            }
            await Task.Delay(Poll);
        }
    }

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

        public LoadReport? LoadReport { get; set; }

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
