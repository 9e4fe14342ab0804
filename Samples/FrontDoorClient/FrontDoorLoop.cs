using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace RedisHaLab.Samples.FrontDoorClient;

/// <summary>
/// Ten times a second: SET a key through the front door, GET it back and check it. It logs when requests start failing
/// and how long the outage lasted once they succeed again, and, when it has a shard's Sentinels, who they name as master.
/// </summary>
internal sealed class FrontDoorLoop(FrontDoorSettings settings, FrontDoorMetrics metrics, ILogger<FrontDoorLoop> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // Apart, so a Sentinel that does not answer never delays a request.
        Task.WhenAll(ServeAsync(stoppingToken), WatchSentinelsAsync(stoppingToken));

    private async Task ServeAsync(CancellationToken stoppingToken)
    {
        var options = ConfigurationOptions.Parse(settings.FrontDoor);
        // Ride out the proxy's restarts: reconnect on its own, and fail a request at once while disconnected, so each
        // outage shows as it happens instead of as a queue of late successes.
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ConnectTimeout = options.SyncTimeout = options.AsyncTimeout = 2000;
        options.ReconnectRetryPolicy = new LinearRetry(200);
        await using var frontDoor = await ConnectionMultiplexer.ConnectAsync(options);
        var db = frontDoor.GetDatabase();
        logger.LogInformation("Writing and reading through the front door {FrontDoor}", string.Join(",", options.EndPoints));

        Stopwatch? outage = null;
        // Several keys, so that both shards carry some of them and a failover of either shows.
        var keys = Enumerable.Range(0, 8).Select(k => $"sample-app:{Environment.ProcessId}:{k}").ToArray();
        using var timer = new PeriodicTimer(Period);
        for (var i = 0L; await timer.WaitForNextTickAsync(stoppingToken); i++)
        {
            var started = Stopwatch.GetTimestamp();
            var key = keys[i % keys.Length];
            string? problem;
            try
            {
                var value = i.ToString();
                // Short-lived: the sample's keys never pile up in the lab.
                await db.StringSetAsync(key, value, TimeSpan.FromMinutes(5));
                var read = (string?)await db.StringGetAsync(key);
                problem = read == value ? null : $"read back {read ?? "(nil)"} instead of {value}";
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                problem = $"{e.GetType().Name}: {e.Message}";
            }

            if (problem is null)
            {
                metrics.Requests.Add(1, new KeyValuePair<string, object?>("outcome", "ok"));
                metrics.Latency.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (outage is not null)
                {
                    metrics.Outages.Record(outage.Elapsed.TotalSeconds);
                    logger.LogWarning("Front door serving again after {Seconds:0.00} s without service", outage.Elapsed.TotalSeconds);
                    outage = null;
                }
            }
            else
            {
                metrics.Requests.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
                if (outage is null)
                {
                    outage = Stopwatch.StartNew();
                    logger.LogWarning("Front door request failed, outage begins: {Problem}", problem);
                }
            }
        }
    }

    private async Task WatchSentinelsAsync(CancellationToken stoppingToken)
    {
        if (settings.Sentinels is null)
        {
            return;
        }
        var sentinels = new SentinelQuestion(settings.Sentinels);
        string? named = null;
        // Once a second is enough to see Sentinel's verdict change.
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (await sentinels.MasterAsync() is { } master && master != named)
            {
                logger.LogInformation("Sentinels name {Master} as master of {Service}", master, sentinels.ServiceName);
                named = master;
            }
        }
    }
}
