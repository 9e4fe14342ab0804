using RedisHaLab.Harness;

namespace RedisHaLab.StartupBenchmark;

/// <summary>One start of the lab, to protected: when the AppHost was ready, each part's timeline, and the total.</summary>
internal sealed record LabStartResult(double AppHostBuilt, double Protected, IReadOnlyList<PartTimeline> Parts);

/// <summary>
/// Starts the lab of an inventory through the harness (as the integration tests and the failover benchmark do) and
/// records, from Aspire's own resource notifications (<see cref="LabTimeline"/>), when each container was created, ran
/// and turned healthy. The lab is protected when every container of the inventory is healthy (<see cref="LabRun"/>).
/// </summary>
internal static class LabStart
{
    private static readonly TimeSpan Within = TimeSpan.FromMinutes(8);

    public static async Task<LabStartResult> RunAsync(string inventoryPath, CancellationToken cancellationToken)
    {
        var plan = LabPlan.For(inventoryPath);
        var timeline = new LabTimeline();
        await using var run = await LabLaunch.BuildAsync<Projects.AppHost>(plan, quietLogs: true, cancellationToken);
        var built = timeline.Now;
        await run.StartAsync(Within, cancellationToken, timeline);
        var protectedAt = timeline.Protected!.Value;
        await run.StopAsync();
        return new LabStartResult(built, protectedAt, timeline.Parts(plan.Inventory.ContainerNames));
    }
}
