using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using RedisHaLab.Chaos;

namespace RedisHaLab.IntegrationTests;

/// <summary>Stops and starts the reconfig service the way the dashboard does: Aspire's own stop and start commands.</summary>
internal sealed class AspireReconfigSwitch(DistributedApplication app, string resource) : IReconfigSwitch
{
    // A project stops within its host's shutdown timeout and starts within seconds; more means something is wrong.
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!IsRunning())
        {
            return;
        }
        await ExecuteAsync(KnownResourceCommands.StopCommand, cancellationToken);
        await WaitAsync(e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), "stopped", cancellationToken);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (IsRunning())
        {
            return;
        }
        await ExecuteAsync(KnownResourceCommands.StartCommand, cancellationToken);
        await WaitAsync(e => e.Snapshot.State?.Text == KnownResourceStates.Running, "running", cancellationToken);
    }

    private bool IsRunning() =>
        app.ResourceNotifications.TryGetCurrentState(resource, out var current) && current.Snapshot.State?.Text == KnownResourceStates.Running;

    private async Task ExecuteAsync(string command, CancellationToken cancellationToken)
    {
        var result = await app.ResourceCommands.ExecuteCommandAsync(resource, command, cancellationToken);
        if (!result.Success)
        {
            throw new ChaosException($"Aspire's {command} of {resource} failed: {result.Message}");
        }
    }

    private async Task WaitAsync(Func<ResourceEvent, bool> reached, string what, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Within);
        try
        {
            await app.ResourceNotifications.WaitForResourceAsync(resource, reached, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ChaosException($"{resource} was not {what} within {Within.TotalSeconds:0} s");
        }
    }
}
