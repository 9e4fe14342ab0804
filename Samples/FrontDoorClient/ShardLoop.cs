using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RedisHaLab.Clients;
using StackExchange.Redis;

namespace RedisHaLab.Samples.FrontDoorClient;

/// <summary>
/// One shard's measure on one path: ten times a second, on its own connection (to the front door, or the shard's master
/// as its Sentinels name it), SET one of the shard's keys and GET it back, without waiting for the previous request, so
/// a request that hangs delays nothing and is seen hanging. Its <see cref="OutageClock"/> says when the shard stopped
/// serving on that path and for how long.
/// </summary>
/// <param name="shard">The shard's name (tag <c>shard</c>).</param>
/// <param name="path">How the app reaches it (tag <c>path</c>): <see cref="FrontDoorPath"/> or <see cref="SentinelsPath"/>.</param>
/// <param name="options">The connection's options: <see cref="ClientOptions"/> or <see cref="SentinelAwareOptions"/>.</param>
internal sealed class ShardLoop(string shard, string path, string[] keys, ConfigurationOptions options, FrontDoorMetrics metrics, ILogger logger)
{
    /// <summary>Through the front door (the proxy).</summary>
    public const string FrontDoorPath = "front-door";

    /// <summary>Straight to the master the shard's Sentinels name, following them (StackExchange.Redis's Sentinel mode).</summary>
    public const string SentinelsPath = "sentinels";

    /// <summary>
    /// How long a request may take and still count as served. The lab's SET + GET through the proxy takes a few
    /// milliseconds on loopback, so 250 ms leaves room for a busy 2-core machine without calling that an outage; and it
    /// is far below the client's 2 s timeout, so a request that hangs counts as an outage long before the library gives up.
    /// </summary>
    public static readonly TimeSpan InTime = TimeSpan.FromMilliseconds(250);

    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    private readonly KeyValuePair<string, object?>[] _tags = [new("shard", shard), new("path", path)];

    // What the console says of this loop: the shard, and the path when it is not the front door.
    private readonly string _label = path == FrontDoorPath ? shard : $"{shard} via {path}";
    private readonly OutageClock _clock = new(InTime);

    // The clock is fed from the loop and from each request's end, which run on the thread pool: one at a time.
    private readonly Lock _gate = new();
    private readonly Stopwatch _elapsed = new();
    private DateTimeOffset _origin;
    /// <summary>How often the client checks its connection.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromMilliseconds(100);

    private bool _stopping;

    /// <summary>
    /// The client settings of each shard's connection, from the front door's connection string; the integration test's
    /// direct probe connects with these too, so that the two differ only in how they time an outage.
    /// </summary>
    internal static ConfigurationOptions ClientOptions(string frontDoor) =>
        WithHeartbeat(LabConnections.ToProxy(frontDoor, RidingOut));

    /// <summary>
    /// The same settings for a shard followed through its Sentinels, from the shard's connection string and the lab's
    /// address map (<see cref="LabAddressTunnel"/>: the names the Sentinels give, mapped to the host's loopback ports).
    /// </summary>
    internal static ConfigurationOptions SentinelAwareOptions(string shardConnection, string addresses) =>
        WithHeartbeat(LabConnections.ToShard(shardConnection, LabAddressTunnel.Parse(addresses), RidingOut));

    // Ride out restarts and failovers: reconnect on its own, and fail a request at once while disconnected, so each
    // outage shows as it happens instead of as a queue of late successes.
    private static readonly Patience RidingOut = Patience.RidingOut(2000, reconnectEveryMilliseconds: 200);

    private static ConfigurationOptions WithHeartbeat(ConfigurationOptions options)
    {
        // The client notices a dropped connection (the proxy restarting after a failover) and starts reconnecting at its
        // next heartbeat, once a second by default: two clients of the same kill then differ by up to a second (seen: 4.90
        // s here, 3.95 s by a probe beside it). A short heartbeat makes the figure the lab's, not the heartbeat's phase.
        options.HeartbeatInterval = Heartbeat;
        return options;
    }

    /// <summary>Runs until <paramref name="stoppingToken"/> is cancelled, then waits for the requests still out.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        // Its own connection: a request stuck behind a dead shard's on a shared connection would pass for an outage
        // of the live shard.
        await using var connection = await ConnectAsync(stoppingToken);
        var db = connection.GetDatabase();
        logger.LogInformation("{Shard}: writing and reading {Keys} keys through {Path} {Endpoints}", _label, keys.Length,
            path == FrontDoorPath ? "the front door" : $"the Sentinels of {options.ServiceName}", string.Join(",", options.EndPoints));

        _origin = DateTimeOffset.Now;
        _elapsed.Start();
        var requests = new List<Task>();
        using var timer = new PeriodicTimer(Period);
        try
        {
            for (var i = 0L; await timer.WaitForNextTickAsync(stoppingToken); i++)
            {
                lock (_gate)
                {
                    // The watchdog: a request waiting longer than InTime begins the outage at its start, before it ends.
                    if (_clock.Check(_elapsed.Elapsed).Began is { } began)
                    {
                        Began(began, $"a request has waited {(_elapsed.Elapsed - began).TotalSeconds:0.00} s");
                    }
                }
                // Ended requests leave; an unexpected exception surfaces here rather than being lost.
                foreach (var ended in requests.Where(r => r.IsCompleted).ToList())
                {
                    requests.Remove(ended);
                    await ended;
                }
                requests.Add(RequestAsync(db, keys[i % keys.Length], i.ToString()));
            }
        }
        finally
        {
            // The client's timeouts bound the wait (two 2 s timeouts at most); their outcome is no longer reported.
            lock (_gate)
            {
                _stopping = true;
            }
            await Task.WhenAll(requests);
        }
    }

    /// <summary>
    /// Connects, trying again every second until it can: the front door rides out its proxy's restarts on its own, but a
    /// Sentinel-aware connect fails outright while no Sentinel names a master yet (the app may start before them).
    /// </summary>
    private async Task<ConnectionMultiplexer> ConnectAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                return await ConnectionMultiplexer.ConnectAsync(options);
            }
            catch (RedisConnectionException e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("{Shard}: cannot connect yet ({Problem}); trying again in 1 s", _label, e.Message.Split('\n')[0]);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    private async Task RequestAsync(IDatabase db, string key, string value)
    {
        long ticket;
        lock (_gate)
        {
            ticket = _clock.Started(_elapsed.Elapsed);
        }
        var started = Stopwatch.GetTimestamp();
        string? problem;
        try
        {
            // Short-lived: the sample's keys never pile up in the lab.
            await db.StringSetAsync(key, value, TimeSpan.FromMinutes(5));
            var read = (string?)await db.StringGetAsync(key);
            problem = read == value ? null : $"read back {read ?? "(nil)"} instead of {value}";
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            problem = $"{e.GetType().Name}: {e.Message}";
        }

        var took = Stopwatch.GetElapsedTime(started);
        lock (_gate)
        {
            var news = _clock.Finished(ticket, _elapsed.Elapsed, problem is null);
            if (_stopping)
            {
                return;
            }
            metrics.Requests.Add(1, new KeyValuePair<string, object?>("outcome", problem is null ? "ok" : "failed"), _tags[0], _tags[1]);
            if (problem is null)
            {
                metrics.Latency.Record(took.TotalMilliseconds, _tags);
            }
            if (news.Began is { } began)
            {
                Began(began, problem ?? $"a request was answered after {took.TotalSeconds:0.00} s");
            }
            if (news.Ended is { } outage)
            {
                metrics.Outages.Record(outage.Length.TotalSeconds, _tags);
                logger.LogWarning("{Shard}: serving again after {Seconds:0.00} s without service (since {Began:HH:mm:ss.fff})",
                    _label, outage.Length.TotalSeconds, _origin + outage.Began);
            }
        }
    }

    private void Began(TimeSpan began, string problem)
    {
        if (!_stopping)
        {
            logger.LogWarning("{Shard}: outage began at {Began:HH:mm:ss.fff}: {Problem}", _label, _origin + began, problem);
        }
    }
}
