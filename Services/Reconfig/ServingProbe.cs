using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RedisHaLab.Clients;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.Reconfig;

/// <summary>How the last probe of one shard through the proxy went.</summary>
/// <param name="Label">The shard (or, where the lab cannot place keys, the probe key).</param>
/// <param name="Served">True when the write was acknowledged: the proxy runs and sends the shard to a master.</param>
/// <param name="Problem">Why not, for the log and the readiness answer.</param>
/// <param name="AtUtc">When the probe ended.</param>
/// <param name="SentUtc">When the write was sent; null: taken as <paramref name="AtUtc"/>.</param>
internal sealed record ServingResult(string Label, bool Served, string? Problem, DateTime AtUtc, DateTime? SentUtc = null)
{
    /// <summary>When the write was sent: a write sent after a process began accepting was answered by that process or by none.</summary>
    public DateTime Sent => SentUtc ?? AtUtc;
}

/// <summary>
/// What runs must also serve: every second, a write through this service's own proxy on a key of every shard (the
/// lab's ketama ring says which key lands where). A record on disk says what nutcracker was started with; only a
/// write that a master acknowledges says the proxy is alive and routes the shard to a master (a replica answers
/// READONLY, a dead master nothing). Failures are logged when they start and end, and counted.
/// </summary>
internal sealed class ServingProbe(Inventory inventory, ProxyInstance proxy, ReconfigOptions options, ReconfigTelemetry telemetry,
    ILogger<ServingProbe> logger) : BackgroundService
{
    /// <summary>Time between two probes.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>How long one write may take: a request twemproxy forwards to a dead master waits for its timeout.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(800);

    private readonly IReadOnlyList<HealthKey> _keys = HealthKeys.PerShard(inventory, proxy.ReconfigName);
    private readonly Dictionary<string, ConnectionMultiplexer> _connections = [];
    private volatile IReadOnlyList<ServingResult>? _last;

    /// <summary>The last probe's results, one per shard; null before the first.</summary>
    public IReadOnlyList<ServingResult>? Last => _last;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            do
            {
                var results = await Task.WhenAll(_keys.Select(k => ProbeAsync(k, stoppingToken)));
                var previous = _last;
                _last = results;
                foreach (var result in results)
                {
                    var before = previous?.FirstOrDefault(p => p.Label == result.Label);
                    if (!result.Served)
                    {
                        telemetry.NotServed(result.Label);
                        if (before is null || before.Served)
                        {
                            logger.LogWarning("The proxy {Proxy} does not serve {Shard}: {Problem}", proxy.Name, result.Label, result.Problem);
                        }
                    }
                    else if (before is { Served: false })
                    {
                        logger.LogInformation("The proxy {Proxy} serves {Shard} again", proxy.Name, result.Label);
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        foreach (var connection in _connections.Values)
        {
            await connection.DisposeAsync();
        }
    }

    private async Task<ServingResult> ProbeAsync(HealthKey key, CancellationToken stoppingToken)
    {
        var sent = DateTime.UtcNow;
        try
        {
            // A connection per key: twemproxy answers a client in request order, so a write stuck on one shard's dead
            // master would hold the other shards' answers back too.
            var connection = await ConnectionAsync(key.Label);
            await connection.GetDatabase().StringSetAsync(key.Key, proxy.ReconfigName, HealthKeys.Lifetime).WaitAsync(Budget, stoppingToken);
            return new ServingResult(key.Label, true, null, DateTime.UtcNow, sent);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            // Whatever the client throws (a refusal, a timeout, a write it cancelled when its connection dropped) is a
            // shard not served, never a reason to stop probing: a probe that stopped would stop the service with it.
            return new ServingResult(key.Label, false, Brief(e), DateTime.UtcNow, sent);
        }
    }

    /// <summary>The client's message up to its diagnostics (connection counters, thread pool figures): one line for a readiness answer.</summary>
    private static string Brief(Exception e)
    {
        var message = e is TimeoutException ? $"no answer within {Budget.TotalMilliseconds:0} ms" : e.Message;
        var details = message.IndexOf(" on ", StringComparison.Ordinal);
        return details > 0 ? message[..details] : message.Length > 160 ? message[..160] + "..." : message;
    }

    private async Task<ConnectionMultiplexer> ConnectionAsync(string label)
    {
        if (!_connections.TryGetValue(label, out var connection))
        {
            connection = await ConnectionMultiplexer.ConnectAsync(LabConnections.ToProxy(new DnsEndPoint(proxy.Name, proxy.Port), options.RedisPassword,
                Patience.RidingOut((int)Budget.TotalMilliseconds), "redis-ha-lab-serving-probe"));
            _connections[label] = connection;
        }
        return connection;
    }
}
