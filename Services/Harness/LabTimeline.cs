using System.Collections.Concurrent;
using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RedisHaLab.Harness;

/// <summary>When one part of the lab reached each stage of its start, in seconds on a <see cref="LabTimeline"/>'s clock.</summary>
public sealed record PartTimeline(string Name, double? Created, double? Running, double? Healthy);

/// <summary>
/// A clock started when this is made, and, from Aspire's own resource notifications while <see cref="LabRun.StartAsync"/>
/// runs, when each resource was created, ran and turned healthy on it. Made before the app is built, it also times the
/// build (<see cref="Now"/> once built).
/// </summary>
public sealed class LabTimeline
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentDictionary<string, (double? Created, double? Running, double? Healthy)> _seen = new();

    /// <summary>Seconds since this was made.</summary>
    public double Now => _clock.Elapsed.TotalSeconds;

    /// <summary>When every container of the lab was healthy (the lab protected); null until then.</summary>
    public double? Protected { get; private set; }

    /// <summary>Each of <paramref name="names"/> with the stages it reached, in the order given.</summary>
    public IReadOnlyList<PartTimeline> Parts(IEnumerable<string> names) =>
        [.. names.Select(n => _seen.TryGetValue(n, out var s) ? new PartTimeline(n, s.Created, s.Running, s.Healthy) : new PartTimeline(n, null, null, null))];

    internal void MarkProtected() => Protected = Now;

    /// <summary>Records every resource's first creation, running and healthy state until <paramref name="cancellationToken"/> ends the watch.</summary>
    internal Task WatchAsync(ResourceNotificationService notifications, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(cancellationToken))
            {
                var now = Now;
                var snapshot = update.Snapshot;
                _seen.AddOrUpdate(update.Resource.Name, _ => Stages(default, snapshot, now), (_, old) => Stages(old, snapshot, now));
            }
        }
        catch (OperationCanceledException)
        {
            // The watch ends when the start does.
        }
    }, CancellationToken.None);

    private static (double? Created, double? Running, double? Healthy) Stages(
        (double? Created, double? Running, double? Healthy) old, CustomResourceSnapshot snapshot, double now) =>
    (
        old.Created ?? (snapshot.CreationTimeStamp is not null ? now : null),
        old.Running ?? (snapshot.State?.Text == KnownResourceStates.Running ? now : null),
        old.Healthy ?? (snapshot.HealthStatus == HealthStatus.Healthy && snapshot.State?.Text == KnownResourceStates.Running ? now : null)
    );
}
