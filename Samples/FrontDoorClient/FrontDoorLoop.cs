using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RedisHaLab.Samples.FrontDoorClient;

/// <summary>
/// Measures each shard behind the front door on its own (<see cref="ShardLoop"/>: its keys, its connection, its outage
/// clock), and, when it has a shard's Sentinels, logs who they name as master.
/// </summary>
internal sealed class FrontDoorLoop(FrontDoorSettings settings, FrontDoorMetrics metrics, ILogger<FrontDoorLoop> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.Shards.Count == 0)
        {
            logger.LogWarning("No shards given ({Key}): measuring the front door as a whole, so one shard's outage shows as the front door's", FrontDoorSettings.ShardsKey);
        }
        var shards = SampleKeys.Of(settings, $"sample-app:{Environment.ProcessId}")
            .Select(s => new ShardLoop(s.Shard, s.Keys, settings.FrontDoor, metrics, logger).RunAsync(stoppingToken));
        // Apart, so a Sentinel that does not answer never delays a request, nor one shard another's.
        return Task.WhenAll([.. shards, WatchSentinelsAsync(stoppingToken)]);
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
