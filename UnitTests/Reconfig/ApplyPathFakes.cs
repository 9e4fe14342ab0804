using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using RedisHaLab.Reconfig;
using RedisHaLab.Topology;

namespace RedisHaLab.UnitTests.Reconfig;

/// <summary>How the fake proxy answers a new wanted config.</summary>
internal enum ProxyBehaviour
{
    /// <summary>Like the supervisor: checks it and runs it.</summary>
    Applies,

    /// <summary>nutcracker -t says no: it goes to the rejected report, the old config keeps running.</summary>
    Refuses,

    /// <summary>Frozen (SIGSTOP) or slow: nothing happens until it is thawed.</summary>
    Frozen,
}

/// <summary>
/// The proxy's side of the shared folder, in memory, behaving as <c>nutcracker-supervisor</c> does: the wanted file
/// is what the service writes; only the proxy moves it to running (or rejected), and then writes its running record.
/// </summary>
internal sealed class FakeProxy : IProxySide
{
    public FakeProxy(Inventory inventory)
    {
        Running = NutcrackerConfig.FromInventory(inventory, password: null).Render();
        Wanted = Running;
    }

    public ProxyBehaviour Behaviour { get; set; } = ProxyBehaviour.Applies;

    /// <summary>The running YAML; setting it records it too (as the supervisor does), unless <see cref="RecordLags"/>.</summary>
    public string? Running
    {
        get => _running;
        set
        {
            _running = value;
            if (!RecordLags)
            {
                Recorded = value;
            }
        }
    }

    private string? _running;

    /// <summary>The running record's pid: 0 while the supervisor starts nutcracker again on that config.</summary>
    public int RecordedPid { get; set; } = 7;

    /// <summary>When, by the running record, the process began accepting (ms since 1970).</summary>
    public long RecordedSinceUnixMs { get; } = 1764957600000;

    /// <summary>The config whose hash the running record carries; null: no record written.</summary>
    public string? Recorded { get; set; }

    /// <summary>The supervisor writes the running YAML but not yet its record (between its two writes, or the second failed).</summary>
    public bool RecordLags { get; set; }

    /// <summary>How many times the service read the running YAML (the record should spare most reads).</summary>
    public int RunningReads { get; private set; }

    public string? Wanted { get; set; }

    public string? Rejected { get; private set; }

    /// <summary>How many times the service replaced the wanted file.</summary>
    public int Writes { get; private set; }

    public string WantedPath => "/usr/local/twemproxy/conf/redis_14555.yml";

    /// <summary>The next read of the running record throws what no code path expects (then it is cleared).</summary>
    public bool FailNextRead { get; set; }

    public Task<string?> ReadRunningAsync(CancellationToken cancellationToken)
    {
        RunningReads++;
        return Task.FromResult(Running);
    }

    public Task<string?> ReadRunningRecordAsync(CancellationToken cancellationToken)
    {
        if (FailNextRead)
        {
            FailNextRead = false;
            throw new InvalidOperationException("a surprise from the test");
        }
        return Task.FromResult(Recorded is null ? null : new NutcrackerRunningRecord(NutcrackerRunningRecord.Sha256Of(Recorded), RecordedPid, RecordedSinceUnixMs).Render());
    }

    public Task<string?> ReadWantedAsync(CancellationToken cancellationToken) => Task.FromResult(Wanted);

    public Task<string?> ReadRejectedAsync(CancellationToken cancellationToken) => Task.FromResult(Rejected);

    /// <summary>What the service kept of what it verified (the <c>.verified.json</c> beside the reports).</summary>
    public string? Verified { get; set; }

    public Task<string?> ReadVerifiedAsync(CancellationToken cancellationToken) => Task.FromResult(Verified);

    /// <summary>The last readiness answer the service wrote.</summary>
    public string? ReadinessAnswer { get; private set; }

    public string ReadinessPath => "/usr/local/twemproxy/conf/redis_14555.readiness";

    public Task WriteReadinessAsync(string answer, CancellationToken cancellationToken)
    {
        ReadinessAnswer = answer;
        return Task.CompletedTask;
    }

    public Task WriteVerifiedAsync(string text, CancellationToken cancellationToken)
    {
        Verified = text;
        return Task.CompletedTask;
    }

    public Task WaitForReportAsync(TimeSpan atMost, CancellationToken cancellationToken) => Task.Delay(1, cancellationToken);

    public Task WriteWantedAsync(string text, CancellationToken cancellationToken)
    {
        Writes++;
        Wanted = text;
        React();
        return Task.CompletedTask;
    }

    /// <summary>A frozen proxy resumes and, as the supervisor's once-a-second comparison does, applies what is wanted.</summary>
    public void Thaw()
    {
        Behaviour = ProxyBehaviour.Applies;
        React();
    }

    /// <summary>Which instance the running config sends <paramref name="shard"/> to, as <c>host:port</c>.</summary>
    public string RunningServerOf(Inventory inventory, string shard) =>
        NutcrackerConfig.Parse(Running!).Servers(inventory.Proxy.Pool).Single(s => s.Name == shard).Address;

    private void React()
    {
        switch (Behaviour)
        {
            case ProxyBehaviour.Applies when Wanted != Rejected:
                Running = Wanted;
                break;
            case ProxyBehaviour.Refuses:
                Rejected = Wanted;
                break;
        }
    }
}

/// <summary>
/// Each instance answers as set here (role, the instance it replicates and its link, its replication IDs); one not set
/// does not answer. By default an instance's replication ID is its own (<c>id-&lt;name&gt;</c>) and it has no earlier history.
/// </summary>
internal sealed class FakeRoles : IRoleProbe
{
    private readonly Dictionary<string, (string Role, string? Follows, bool LinkUp, string ReplId, string ReplId2)> _facts = [];

    public List<string> Asked { get; } = [];

    public FakeRoles Says(string instance, string role)
    {
        _facts[instance] = (role, null, false, IdOf(instance), ReplicationFacts.NoHistory);
        return this;
    }

    /// <summary><paramref name="replica"/> is a replica of <paramref name="master"/>, its link up or down.</summary>
    public FakeRoles Replicates(string replica, string master, bool linkUp = true)
    {
        _facts[replica] = ("slave", master, linkUp, IdOf(master), ReplicationFacts.NoHistory);
        return this;
    }

    /// <summary><paramref name="instance"/> says master and was promoted from following <paramref name="formerMaster"/>.</summary>
    public FakeRoles PromotedFrom(string instance, string formerMaster)
    {
        _facts[instance] = ("master", null, false, IdOf(instance), IdOf(formerMaster));
        return this;
    }

    /// <summary><paramref name="instance"/> no longer answers.</summary>
    public FakeRoles Silent(string instance)
    {
        _facts.Remove(instance);
        return this;
    }

    /// <summary>The replication ID the fake gives <paramref name="instance"/> as a master.</summary>
    public static string IdOf(string instance) => $"id-{instance}";

    public Task<ReplicationFacts?> FactsAsync(Shard shard, RedisInstance instance, CancellationToken cancellationToken)
    {
        lock (Asked)
        {
            Asked.Add(instance.Name);
            if (!_facts.TryGetValue(instance.Name, out var f))
            {
                return Task.FromResult<ReplicationFacts?>(null);
            }
            var follows = shard.Replicas.Prepend(shard.Master).FirstOrDefault(i => i.Name == f.Follows);
            return Task.FromResult<ReplicationFacts?>(new ReplicationFacts(f.Role, follows, f.LinkUp, f.ReplId, f.ReplId2));
        }
    }

    public void Prepare(Inventory inventory)
    {
    }
}

/// <summary>Sentinels with scripted answers per master name.</summary>
internal sealed class FakeSentinels(int count) : ISentinels
{
    private readonly Dictionary<(string Sentinel, string MasterName), SentinelAnswer> _answers = [];
    private int _polls;

    public int Count => count;

    /// <summary>How many times every Sentinel was asked about a shard (once per shard per reconcile).</summary>
    public int Polls => Volatile.Read(ref _polls);

    public FakeSentinels Says(string sentinel, string masterName, string address, long epoch)
    {
        _answers[(sentinel, masterName)] = SentinelAnswer.Named(sentinel, Fixtures.At(address), epoch);
        return this;
    }

    public Task<IReadOnlyList<SentinelAnswer>> AskMasterAsync(string masterName)
    {
        Interlocked.Increment(ref _polls);
        return Task.FromResult<IReadOnlyList<SentinelAnswer>>(_answers.Where(a => a.Key.MasterName == masterName).Select(a => a.Value).ToList());
    }

    public Task<SentinelAnswer> AskOneAsync(string sentinel, string masterName) =>
        Task.FromResult(_answers.GetValueOrDefault((sentinel, masterName)) ?? SentinelAnswer.Unreachable(sentinel, "not connected"));
}

/// <summary>The service's decision and apply path, wired as Program.cs wires it, over the fakes.</summary>
internal sealed class ApplyPath : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public ApplyPath(Inventory inventory, FakeProxy proxy, FakeRoles roles, FakeSentinels? sentinels = null, int confirmTimeoutMilliseconds = 50)
    {
        Inventory = inventory;
        Proxy = proxy;
        Roles = roles;
        Sentinels = sentinels ?? new FakeSentinels(3);
        var telemetry = Telemetry = new ReconfigTelemetry(_services.GetRequiredService<IMeterFactory>());
        Verifier = new ClaimVerifier(inventory, roles);
        var options = new ReconfigOptions { ProxyConfirmTimeoutMilliseconds = confirmTimeoutMilliseconds };
        Running = new RunningConfigView(proxy);
        Reconfigurator = new ProxyReconfigurator(inventory, options, proxy, Running, telemetry, NullLogger<ProxyReconfigurator>.Instance);
        State = new VerifiedState(proxy, NullLogger<VerifiedState>.Instance);
        Claims = new ClaimHandler(Verifier, Reconfigurator, Sentinels, State, telemetry, NullLogger<ClaimHandler>.Instance);
        Reconciler = new Reconciler(inventory, Sentinels, Claims, Verifier, Reconfigurator, NullLogger<Reconciler>.Instance);
    }

    public Inventory Inventory { get; }

    public FakeProxy Proxy { get; }

    public FakeRoles Roles { get; }

    public FakeSentinels Sentinels { get; }

    public ClaimVerifier Verifier { get; }

    public VerifiedState State { get; }

    public ClaimHandler Claims { get; }

    public ProxyReconfigurator Reconfigurator { get; }

    /// <summary>What the service takes the proxy to run, from its record.</summary>
    public RunningConfigView Running { get; }

    public Reconciler Reconciler { get; }

    public ReconfigTelemetry Telemetry { get; }

    /// <summary>A Sentinel's <c>+switch-master</c>, handled as the worker hands it over.</summary>
    public async Task<ApplyOutcome?> AnnounceAsync(string sentinel, string payload)
    {
        Assert.That(SwitchMasterEvent.TryParse(payload, out var announcement, out var problem), Is.True, problem);
        return await Claims.HandleAnnouncementAsync(announcement!, sentinel, CancellationToken.None);
    }

    public Task<ApplyOutcome?> ClaimAsync(string masterName, string address, long? epoch) =>
        Claims.HandleAsync(new MasterClaim(masterName, Fixtures.At(address), epoch, null, ReconfigTrigger.Reconcile, "test"), CancellationToken.None);

    public void Dispose() => _services.Dispose();
}

/// <summary>The Sentinels' announcements and reconnections, delivered by the test instead of by Sentinels.</summary>
internal sealed class FakeSentinelFeed(int count) : ISentinelFeed
{
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Action<string, string>? _onMessage;
    private Action<string>? _onConnected;

    public int Count => count;

    public Task FirstAttempts => Task.CompletedTask;

    /// <summary>Completes once the worker listens.</summary>
    public Task Listening => _listening.Task;

    public async Task RunAsync(Action<string, string> onMessage, Action<string> onConnected, CancellationToken cancellationToken)
    {
        (_onMessage, _onConnected) = (onMessage, onConnected);
        _listening.TrySetResult();
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The worker stops.
        }
    }

    public void Announce(string sentinel, string payload) => _onMessage!(sentinel, payload);

    public void Connected(string sentinel) => _onConnected!(sentinel);
}
