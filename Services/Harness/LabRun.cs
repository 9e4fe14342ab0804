using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RedisHaLab.Faults;
using RedisHaLab.Topology;

namespace RedisHaLab.Harness;

/// <summary>
/// One lab's life on this machine, the same for <c>--play</c>, the integration tests and the benchmarks: started until
/// it is protected, reset to its inventory's state, stopped until its containers are gone. The lab is protected when
/// every container of the inventory is healthy: the reconfig services' health is "up protected" (each proxy runs the
/// verified master of every shard, serves it, and a Sentinel majority answers), the Sentinels' is "could fail every
/// shard over".
/// </summary>
/// <param name="app">The lab's app, built and not started yet: the AppHost's own (<c>--play</c>) or one LabLaunch built.</param>
/// <param name="inventory">The inventory the app was built from, placed at its lab index.</param>
/// <param name="note">Told what the stop had to do by force (a container removed after the bound); nothing when null.</param>
/// <param name="containers">The engine's containers, for the stop's wait; the local Docker engine when null.</param>
public sealed class LabRun(DistributedApplication app, Inventory inventory, Action<string>? note = null, IContainerList? containers = null)
    : IAsyncDisposable
{
    /// <summary>How long a stopped lab's containers may take to go before the rest are removed by name.</summary>
    public static readonly TimeSpan GoneWithin = TimeSpan.FromSeconds(30);

    private bool _stopped;

    /// <summary>The lab's app: its resources, commands and services.</summary>
    public DistributedApplication App { get; } = app;

    /// <summary>The lab's inventory, placed at its lab index.</summary>
    public Inventory Inventory { get; } = inventory;

    /// <summary>The app's own chaos (the one its dashboard commands use), with the lab's password.</summary>
    public ChaosLab Chaos => App.Services.GetRequiredService<ChaosLab>();

    /// <summary>Starts the app and waits until every container of the inventory is healthy: the lab is protected.</summary>
    /// <param name="within">The bound on the start; a cold one builds images, so minutes.</param>
    /// <param name="cancellationToken">Ends the start early; then <see cref="OperationCanceledException"/>.</param>
    /// <param name="timeline">When given, records when each part was created, ran and turned healthy, and when the lab was protected.</param>
    /// <exception cref="TimeoutException">Not protected within <paramref name="within"/>; the message names what was not healthy yet.</exception>
    /// <exception cref="LabStartException">A part stopped on the way (it failed to start or exited); the message says what Aspire and the engine saw.</exception>
    public async Task StartAsync(TimeSpan within, CancellationToken cancellationToken, LabTimeline? timeline = null)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(within);
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(bound.Token);
        var watch = timeline?.WatchAsync(App.ResourceNotifications, watching.Token) ?? Task.CompletedTask;
        var names = Inventory.ContainerNames;
        var waiting = new ConcurrentDictionary<string, bool>(names.Select(n => KeyValuePair.Create(n, true)));
        try
        {
            await App.StartAsync(bound.Token);
            await Task.WhenAll(names.Select(async name =>
            {
                // Not Aspire's own healthy wait: it also gives up on RuntimeUnhealthy, the state its orchestrator gives a
                // container not created yet while its check of the container runtime fails (seen beside a second lab
                // under load), and from which the orchestrator resumes the start by itself.
                var seen = await App.ResourceNotifications.WaitForResourceAsync(name,
                    e => e.Snapshot.HealthStatus == HealthStatus.Healthy || StopsTheStart(e.Snapshot.State?.Text), bound.Token);
                if (seen.Snapshot.HealthStatus != HealthStatus.Healthy)
                {
                    // Aspire says only "failed to start"; what the engine saw is what a reader needs.
                    throw new LabStartException(name, await WhyNotStartedAsync(name));
                }
                // Healthy: now as Aspire's wait does, until the resource's ready event has run.
                await App.ResourceNotifications.WaitForResourceHealthyAsync(name, WaitBehavior.WaitOnResourceUnavailable, bound.Token);
                waiting.TryRemove(name, out _);
            }));
            timeline?.MarkProtected();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(NotProtected(within, names.Where(waiting.ContainsKey)));
        }
        finally
        {
            await watching.CancelAsync();
            await watch;
        }
    }

    /// <summary>Brings the running lab back to its inventory's state (<see cref="LabReset"/>); returns what it undid.</summary>
    /// <exception cref="ChaosException">The lab is not back within <paramref name="within"/>.</exception>
    public Task<IReadOnlyList<string>> ResetAsync(TimeSpan within, CancellationToken cancellationToken) =>
        new LabReset(Chaos).ResetAsync(within, cancellationToken);

    /// <summary>Stops and disposes the app, then waits until the lab's containers are gone (<see cref="LabContainersGone"/>). Once: later calls do nothing.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        try
        {
            await App.StopAsync();
        }
        finally
        {
            await App.DisposeAsync();
            using var docker = containers is null ? new DockerContainerList() : null;
            await LabContainersGone.WaitAsync(containers ?? docker!, Inventory.ContainerNames, GoneWithin, note);
        }
    }

    /// <inheritdoc cref="StopAsync"/>
    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>Aspire's last state of <paramref name="name"/> and the engine's report of its container, in one sentence.</summary>
    private async Task<string> WhyNotStartedAsync(string name)
    {
        var snapshot = App.ResourceNotifications.TryGetCurrentState(name, out var seen) ? seen.Snapshot : null;
        using var docker = containers is null ? new DockerContainerList() : null;
        var engine = await (containers ?? docker!).ReportOrReasonAsync(name, LabStartException.OutputLines, TimeSpan.FromSeconds(10));
        return LabStartException.Describe(snapshot?.State?.Text, snapshot?.ExitCode, engine.Report, engine.EngineProblem);
    }

    /// <summary>
    /// Whether a part in Aspire's state <paramref name="state"/> has stopped on its way up: it failed to start, or it
    /// ended. Every other state is on the way (<c>RuntimeUnhealthy</c> included: the orchestrator waits for the container
    /// runtime, then goes on).
    /// </summary>
    internal static bool StopsTheStart(string? state) =>
        state == KnownResourceStates.FailedToStart || state == KnownResourceStates.Exited || state == KnownResourceStates.Finished;

    /// <summary>Why a start timed out: the bound, and the containers not healthy yet.</summary>
    internal static string NotProtected(TimeSpan within, IEnumerable<string> notHealthy) =>
        $"the lab was not healthy within {Duration(within)}; not healthy yet: {string.Join(", ", notHealthy)}";

    // Whole minutes as minutes (the start's bound), anything shorter or finer in seconds.
    private static string Duration(TimeSpan span) =>
        span >= TimeSpan.FromMinutes(2) && span.Seconds == 0 ? $"{span.TotalMinutes:0} minutes" : $"{span.TotalSeconds:0} s";
}
