using System.Net;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RedisHaLab.Probes;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.AppHost.Lab;

// Health as each instance's role defines it, checked from the host through the instance's published
// loopback port (the only way host code reaches the lab). Aspire's WaitFor builds start-up order on these.

/// <summary>A Redis instance is healthy when it answers and, while it is a replica, its link to the master is up.</summary>
internal sealed class RedisInstanceHealthCheck(IPEndPoint endpoint, LabSecret secret) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var redis = await LabClients.RedisAsync(endpoint, await secret.GetAsync(cancellationToken));
            var info = (await redis.GetServer(endpoint).InfoAsync("replication")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
            var role = info.GetValueOrDefault("role");
            if (role == "slave" && info.GetValueOrDefault("master_link_status") != "up")
            {
                return HealthCheckResult.Unhealthy($"replica of {info.GetValueOrDefault("master_host")}:{info.GetValueOrDefault("master_port")}, link not up yet");
            }
            return HealthCheckResult.Healthy($"role {role}");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"{endpoint} does not answer", e);
        }
    }
}

/// <summary>
/// A Sentinel is healthy when it could fail every shard over now: it monitors each master of the inventory, knows its
/// replicas and enough other Sentinels, and sees none objectively down.
/// </summary>
internal sealed class SentinelHealthCheck(IPEndPoint endpoint, Inventory inventory, LabSecret secret) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var sentinel = await LabClients.SentinelAsync(endpoint, await secret.GetAsync(cancellationToken));
            var masters = (await sentinel.GetServer(endpoint).SentinelMastersAsync())
                .Select(m => m.ToDictionary(p => p.Key, p => p.Value))
                .ToDictionary(m => m["name"]);
            var missing = inventory.Shards.Where(s => !masters.ContainsKey(s.SentinelMasterName)).Select(s => s.SentinelMasterName).ToList();
            if (missing.Count > 0)
            {
                return HealthCheckResult.Unhealthy($"does not monitor {string.Join(", ", missing)}");
            }
            // Monitoring is not protecting: a Sentinel that knows no replica has nothing to promote, and one that knows
            // too few others can neither reach the quorum nor elect a leader. Both come from the master's INFO and the
            // other Sentinels' hellos in the first seconds; known instances stay counted while down, so this holds after.
            var otherSentinelsNeeded = inventory.Sentinels.NeededForFailover - 1;
            var unprotected = inventory.Shards
                .Select(s => (Shard: s, Master: masters[s.SentinelMasterName]))
                .Where(m => Count(m.Master, "num-slaves") < m.Shard.Replicas.Count || Count(m.Master, "num-other-sentinels") < otherSentinelsNeeded)
                .Select(m => $"{m.Shard.SentinelMasterName} (knows {Count(m.Master, "num-slaves")} of {m.Shard.Replicas.Count} replicas, {Count(m.Master, "num-other-sentinels")} of the {otherSentinelsNeeded} other Sentinels a failover needs)")
                .ToList();
            if (unprotected.Count > 0)
            {
                return HealthCheckResult.Unhealthy($"cannot fail over yet: {string.Join("; ", unprotected)}");
            }
            var down = inventory.Shards.Select(s => s.SentinelMasterName).Where(n => masters[n]["flags"].Contains("o_down")).ToList();
            return down.Count > 0
                ? HealthCheckResult.Degraded($"sees {string.Join(", ", down)} objectively down")
                : HealthCheckResult.Healthy($"monitors {inventory.Shards.Count} masters, each with its replicas and enough Sentinels to fail it over");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"{endpoint} does not answer", e);
        }
    }

    private static int Count(Dictionary<string, string> master, string field) =>
        int.TryParse(master.GetValueOrDefault(field), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) ? count : 0;
}

/// <summary>
/// The proxy (or the balancer in front of the proxies) is healthy when, through it, a key on every shard can be written
/// and read back: a shard routed to a dead or demoted master turns it Unhealthy, naming that shard and why.
/// </summary>
/// <param name="endpoint">Where the checked proxy or balancer listens.</param>
/// <param name="keys">The keys to write, one per shard (<see cref="HealthKeys.PerShard"/>), chosen once when the check is built.</param>
/// <param name="readsBack">Whether a GET must return what the SET before it wrote (<see cref="HealthKeys.ReadsBackWhatItWrote"/>).</param>
/// <param name="secret">The lab's password.</param>
/// <param name="within">How long the whole check may take (<see cref="Budget"/> for Aspire's checks).</param>
internal sealed class ProxyHealthCheck(IPEndPoint endpoint, IReadOnlyList<HealthKey> keys, bool readsBack, LabSecret secret, TimeSpan within) : IHealthCheck
{
    /// <summary>
    /// The whole check, connections included, ends within this: a request twemproxy forwards to a dead master waits for
    /// its <c>timeout</c> (none by default, so for ever), and the check must answer well inside Aspire's loop.
    /// </summary>
    public static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(1300);

    /// <summary>A check of the proxy or balancer at <paramref name="endpoint"/>, named <paramref name="owner"/> in its keys.</summary>
    public static ProxyHealthCheck For(Inventory inventory, string owner, IPEndPoint endpoint, LabSecret secret, TimeSpan? budget = null) =>
        new(endpoint, HealthKeys.PerShard(inventory, owner), HealthKeys.ReadsBackWhatItWrote(inventory), secret, budget ?? Budget);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        ProxyHealthVerdict.Of(await OutcomesAsync(cancellationToken));

    /// <summary>Each key written and read back through the checked endpoint, within the check's budget: its evidence, which the role board shows per shard too.</summary>
    public async Task<IReadOnlyList<HealthKeyOutcome>> OutcomesAsync(CancellationToken cancellationToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(within);
        var password = await secret.GetAsync(cancellationToken);
        // A connection per shard: twemproxy answers a client in request order, so on a shared one a request stuck on
        // g1's dead master would hold g2's answer back too, and the verdict would blame both. Keys of unknown shard
        // (no ring to compute them with) share one.
        var outcomes = await Task.WhenAll(keys.GroupBy(k => k.Shard).Select(group => ProbeAsync(group.ToList(), password, budget.Token)));
        cancellationToken.ThrowIfCancellationRequested();
        return outcomes.SelectMany(o => o).ToList();
    }

    private async Task<HealthKeyOutcome[]> ProbeAsync(IReadOnlyList<HealthKey> group, string? password, CancellationToken budget)
    {
        var connecting = LabClients.ProxyQuickAsync(endpoint, password);
        try
        {
            var proxy = await Bounded(connecting, budget);
            return await Task.WhenAll(group.Select(key => ProbeAsync(proxy.GetDatabase(), key, budget)));
        }
        catch (Exception e) when (IsFailure(e, budget))
        {
            return [.. group.Select(key => new HealthKeyOutcome(key, ProxyHealthVerdict.Reason(e, within)))];
        }
        finally
        {
            // Closed off the check's path: a request still waiting on a dead master must not hold the verdict up.
            _ = connecting.ContinueWith(t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    t.Result.Dispose();
                }
                _ = t.Exception;
            }, TaskScheduler.Default);
        }
    }

    private async Task<HealthKeyOutcome> ProbeAsync(IDatabase proxy, HealthKey key, CancellationToken budget)
    {
        try
        {
            var value = Guid.NewGuid().ToString("N");
            if (!await Bounded(proxy.StringSetAsync(key.Key, value, HealthKeys.Lifetime), budget))
            {
                return new HealthKeyOutcome(key, "the write was not applied");
            }
            var read = await Bounded(proxy.StringGetAsync(key.Key), budget);
            return new HealthKeyOutcome(key, ProxyHealthVerdict.ReadBackProblem(value, read, readsBack));
        }
        catch (Exception e) when (IsFailure(e, budget))
        {
            return new HealthKeyOutcome(key, ProxyHealthVerdict.Reason(e, within));
        }
    }

    // The client's own timeout (1.5 s) is longer than the budget; past the budget the request is left to it, unobserved.
    private static Task<T> Bounded<T>(Task<T> task, CancellationToken budget)
    {
        _ = task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        return task.WaitAsync(budget);
    }

    // The budget running out is a timeout. Aspire's own cancellation (the lab stopping) cancels the budget too; the
    // check rethrows it once every probe has returned.
    private static bool IsFailure(Exception e, CancellationToken budget) =>
        e is RedisException or TimeoutException || (e is OperationCanceledException && budget.IsCancellationRequested);
}

/// <summary>
/// A reconfig service is healthy when its readiness answer, which it rewrites four times a second beside its proxy's reports,
/// is fresh and says <c>up protected</c>: its proxy runs the verified master of every shard, a write through the proxy
/// reaches a master on every shard, and a Sentinel majority answers for each. Anything else (down, up but unprotected,
/// an answer older than <see cref="Freshness"/>: the service is dead or frozen) is Unhealthy with the reason.
/// </summary>
internal sealed class ReconfigReadinessHealthCheck(string answerFile) : IHealthCheck
{
    /// <summary>An answer older than this is silence: the service writes one every second.</summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            if (!File.Exists(answerFile))
            {
                return HealthCheckResult.Unhealthy("has written no readiness answer yet");
            }
            var age = DateTime.UtcNow - File.GetLastWriteTimeUtc(answerFile);
            var answer = (await File.ReadAllTextAsync(answerFile, cancellationToken)).Trim();
            if (age > Freshness)
            {
                return HealthCheckResult.Unhealthy($"silent for {age.TotalSeconds:0} s (last answer: {answer})");
            }
            return answer.StartsWith("up protected", StringComparison.Ordinal)
                ? HealthCheckResult.Healthy(answer)
                : HealthCheckResult.Unhealthy(answer);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy($"cannot read {answerFile}: {e.Message}");
        }
    }
}

/// <summary>
/// Asks <paramref name="inner"/> again every <see cref="Poll"/> while it fails, for up to <paramref name="patience"/>,
/// and reports its first success or its last failure. Aspire spaces the runs of a failing check 1, 2, 3, 4, 5 s apart
/// (see <see cref="LabBuilderExtensions.WithLabHealthCheck"/>); without this, a part whose check failed just before it
/// was ready would be reported ready seconds late, and everything waiting for it (a start, a test, the benchmark)
/// with it. A part that stays unhealthy is reported so <paramref name="patience"/> later than the single look would.
/// </summary>
internal sealed class PatientHealthCheck(IHealthCheck inner, TimeSpan patience) : IHealthCheck
{
    /// <summary>How long a failing check keeps asking before it reports the failure.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    /// <summary>How often it asks meanwhile.</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var result = await inner.CheckHealthAsync(context, cancellationToken);
            if (result.Status != HealthStatus.Unhealthy || clock.Elapsed + Poll >= patience)
            {
                return result;
            }
            await Task.Delay(Poll, cancellationToken);
        }
    }
}
