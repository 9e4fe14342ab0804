using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RedisHaLab.Samples.FrontDoorClient;

/// <summary>
/// Measures each shard behind the front door on its own (<see cref="ShardLoop"/>: its keys, its connection, its outage
/// clock), and, when it has a shard's Sentinels, logs who they name as master; given the lab's address map too, it
/// measures that shard a second way, straight through its Sentinels, so both paths show side by side.
/// </summary>
internal sealed class FrontDoorLoop(FrontDoorSettings settings, FrontDoorMetrics metrics, ILogger<FrontDoorLoop> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.Shards.Count == 0)
        {
            logger.LogWarning("No shards given ({Key}): measuring the front door as a whole, so one shard's outage shows as the front door's", FrontDoorSettings.ShardsKey);
        }
        var prefix = $"sample-app:{Environment.ProcessId}";
        var frontDoor = ShardLoop.ClientOptions(settings.FrontDoor);
        var loops = SampleKeys.Of(settings, prefix)
            .Select(s => new ShardLoop(s.Shard, ShardLoop.FrontDoorPath, s.Keys, frontDoor.Clone(), metrics, logger)).ToList();
        if (settings is { Sentinels: { } sentinels, Addresses: { } addresses })
        {
            // Any keys: the master the Sentinels name holds them all.
            var shard = settings.SentinelShard ?? "shard";
            loops.Add(new ShardLoop(shard, ShardLoop.SentinelsPath, SampleKeys.Any($"{prefix}:{ShardLoop.SentinelsPath}:{shard}"),
                ShardLoop.SentinelAwareOptions(sentinels, addresses), metrics, logger));
        }
        // Apart, so a Sentinel that does not answer never delays a request, nor one shard or path another's.
        return Task.WhenAll([.. loops.Select(l => l.RunAsync(stoppingToken)), WatchSentinelsAsync(stoppingToken)]);
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
