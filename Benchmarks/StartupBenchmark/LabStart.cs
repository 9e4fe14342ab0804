using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using RedisHaLab.Topology;

namespace RedisHaLab.StartupBenchmark;

/// <summary>When one part of the lab reached each stage of its start, in seconds since the start was asked for.</summary>
internal sealed record PartTimeline(string Name, double? Created, double? Running, double? Healthy);

/// <summary>One start of the lab, to protected: when the AppHost was ready, each part's timeline, and the total.</summary>
internal sealed record LabStartResult(double AppHostBuilt, double Protected, IReadOnlyList<PartTimeline> Parts);

/// <summary>
/// Starts the lab of an inventory through the AppHost (as the integration tests and the failover benchmark do) and
/// records, from Aspire's own resource notifications, when each container was created, ran and turned healthy. The
/// lab is protected when every container of the inventory is healthy: the reconfig services' health is "up protected"
/// (each proxy runs the verified master of every shard, serves it, and a Sentinel majority answers), the Sentinels'
/// is "could fail every shard over".
/// </summary>
internal static class LabStart
{
    private static readonly TimeSpan Within = TimeSpan.FromMinutes(8);

    public static async Task<LabStartResult> RunAsync(string inventoryPath, CancellationToken cancellationToken)
    {
        var inventory = InventoryLoader.Load(inventoryPath);
        var password = inventory.Authentication == LabAuthentication.Password ? Convert.ToHexString(RandomNumberGenerator.GetBytes(16)) : null;
        string[] args = password is null
            ? ["--inventory", inventoryPath, "--sample-app", "false"]
            : ["--inventory", inventoryPath, "--sample-app", "false", $"--Parameters:redis-password={password}"];
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(Within);
        var clock = Stopwatch.StartNew();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(args,
            (options, _) => options.DisableDashboard = true, bound.Token);
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("AppHost.Resources", LogLevel.None)
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
            .AddFilter("Aspire.Hosting.Dcp.DcpHost", LogLevel.Error));
        await using var app = await builder.BuildAsync(bound.Token);
        var built = clock.Elapsed.TotalSeconds;

        var seen = new ConcurrentDictionary<string, (double? Created, double? Running, double? Healthy)>();
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(bound.Token);
        var watch = Task.Run(async () =>
        {
            try
            {
                await foreach (var update in app.ResourceNotifications.WatchAsync(watching.Token))
                {
                    var now = clock.Elapsed.TotalSeconds;
                    var snapshot = update.Snapshot;
                    seen.AddOrUpdate(update.Resource.Name, _ => Stages(default, snapshot, now), (_, old) => Stages(old, snapshot, now));
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);

        await app.StartAsync(bound.Token);
        var names = inventory.ContainerNames;
        foreach (var name in names)
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(name, bound.Token);
        }
        var protectedAt = clock.Elapsed.TotalSeconds;
        await watching.CancelAsync();
        await watch;
        await app.StopAsync(CancellationToken.None);
        var parts = names.Select(n => seen.TryGetValue(n, out var s) ? new PartTimeline(n, s.Created, s.Running, s.Healthy) : new PartTimeline(n, null, null, null)).ToList();
        return new LabStartResult(built, protectedAt, parts);
    }

    private static (double? Created, double? Running, double? Healthy) Stages(
        (double? Created, double? Running, double? Healthy) old, CustomResourceSnapshot snapshot, double now) =>
    (
        old.Created ?? (snapshot.CreationTimeStamp is not null ? now : null),
        old.Running ?? (snapshot.State?.Text == KnownResourceStates.Running ? now : null),
        old.Healthy ?? (snapshot.HealthStatus == HealthStatus.Healthy && snapshot.State?.Text == KnownResourceStates.Running ? now : null)
    );
}
