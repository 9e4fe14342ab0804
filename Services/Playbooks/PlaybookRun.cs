using System.Diagnostics;
using RedisHaLab.Faults;
using RedisHaLab.Load;
using RedisHaLab.Probes;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.Playbooks;

/// <summary>
/// The state of one run of a playbook, which every step runs against: the lab, its keys, its load, the masters it
/// knows, where writes landed, the faults and forgeries standing; and what several steps do alike (poll until, stop and
/// count a load).
/// </summary>
internal sealed class PlaybookRun : IAsyncDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    private PlaybookRun(ChaosLab lab, IPlaybookProgress progress, ConnectionMultiplexer proxy, Dictionary<Shard, RedisInstance> masters, RoutingWatch watch)
    {
        Lab = lab;
        Progress = progress;
        Id = $"{DateTime.UtcNow:HHmmss}-{Guid.NewGuid():N}"[..15];
        ProxyConnection = proxy;
        Keys = new KeySet($"scenario:{Id}");
        Masters = masters;
        Watch = watch;
    }

    public ChaosLab Lab { get; }

    /// <summary>Where notes of what happened between steps go (a load counted, a forgery restored).</summary>
    public IPlaybookProgress Progress { get; }

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

    /// <summary>The latest disruptive fault and a clock started when it was sent: recovery is timed from it.</summary>
    public (string Fault, Stopwatch Clock)? PendingFault { get; set; }

    public List<Recovery> Recoveries { get; } = [];

    public static async Task<PlaybookRun> StartAsync(ChaosLab lab, IPlaybookProgress progress)
    {
        var masters = new Dictionary<Shard, RedisInstance>();
        foreach (var shard in lab.Inventory.Shards)
        {
            masters[shard] = await lab.Targets.CurrentMasterAsync(shard);
        }
        return new PlaybookRun(lab, progress, await LabClients.ProxyAsync(lab.Endpoints.FrontDoor(lab.Inventory), lab.Password), masters,
            await RoutingWatch.StartAsync(lab.Inventory, lab.Endpoints, lab.Password));
    }

    /// <summary>Polls <paramref name="check"/> until it returns null, for at most <paramref name="within"/>; throws with its last answer.</summary>
    public static async Task Until(Func<Task<string?>> check, TimeSpan within, string what, CancellationToken cancellationToken)
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

    /// <summary>Stops the running load and keeps it to be counted at convergence.</summary>
    public async Task<StoppedLoad> StopLoadAsync()
    {
        var stopped = await Load!.StopAsync();
        await Load.DisposeAsync();
        Load = null;
        Uncounted.Add(stopped);
        return stopped;
    }

    /// <summary>
    /// Counts every stopped load not counted yet, once the shards have converged (bounded by <see cref="LabConvergence.Within"/>):
    /// each key read from its shard's settled master. Until then a write can sit on an instance about to throw it away.
    /// </summary>
    public async Task CountLoadsAsync(CancellationToken cancellationToken)
    {
        if (Uncounted.Count == 0)
        {
            return;
        }
        var clock = Stopwatch.StartNew();
        var states = await new LabConvergence(Lab).WaitAsync(LabConvergence.Within, cancellationToken);
        Progress.Note($"shards {(states.All(s => s.Converged) ? "converged" : "waited for")} in {clock.Elapsed.TotalSeconds:0.0} s: {string.Join("; ", states.Select(s => $"{s.Shard.Name} {s}"))}");
        foreach (var stopped in Uncounted)
        {
            var report = await stopped.CountAsync(states, Lab.Endpoints, Lab.Password);
            LoadReports.Add(report);
            Progress.Note($"load counted at convergence: {report}" + (report.Errors.Count == 0 ? "" : $"; errors: {string.Join("; ", report.Errors.Select(e => $"{e.Value} x {e.Key}"))}"));
        }
        Uncounted.Clear();
    }

    /// <summary>The last load stopped, counted at convergence; throws when the shards did not converge, since its counts would prove nothing.</summary>
    public async Task<LoadReport> LastCountedLoadAsync(CancellationToken cancellationToken)
    {
        await CountLoadsAsync(cancellationToken);
        var last = LoadReports[^1];
        if (!last.Converged)
        {
            throw new ChaosException($"cannot tell what the load lost: {string.Join("; ", last.Shards.Where(x => !x.Convergence.Converged).Select(x => $"{x.Shard} {x.Convergence}"))}");
        }
        return last;
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

/// <summary>A fault step whose effect stands, and the containers it hit that no undo has reached yet.</summary>
internal sealed record StandingFault(FaultStep Step, List<string> Containers);
