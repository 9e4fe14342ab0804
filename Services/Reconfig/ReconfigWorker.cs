using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RedisHaLab.Topology;

namespace RedisHaLab.Reconfig;

/// <summary>
/// The service: listens to every Sentinel, reconciles at start-up, on a timer and after each reconnection, and runs
/// every resulting reconfiguration one at a time.
/// </summary>
internal sealed class ReconfigWorker(
    ReconfigOptions options,
    Inventory inventory,
    ISentinelFeed sentinels,
    ReconfigQueue queue,
    Reconciler reconciler,
    ClaimHandler claims,
    IRoleProbe roles,
    IProxySide proxy,
    ProxyConfigFile wantedFile,
    ClaimVerifier verifier,
    VerifiedState verifiedState,
    ReconfigTelemetry telemetry,
    ILogger<ReconfigWorker> logger) : BackgroundService
{
    private readonly FailoverDeduplicator _failovers = new();

    // Connections made before the start-up pass are covered by it; only later ones need a pass of their own.
    private volatile bool _started;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        logger.LogInformation(
            "Watching {SentinelCount} Sentinels for {ShardCount} shards of {Inventory}; wanted proxy config {File}; reconcile every {IntervalSeconds} s",
            sentinels.Count, inventory.Shards.Count, inventory.SourceFile, proxy.WantedPath, options.ReconcileIntervalSeconds);
        // Connections to every instance are made now, so the checks of the first failover cost a round trip only.
        roles.Prepare(inventory);
        // What an earlier run verified: the history a claim must continue, even with no Sentinel majority to ask.
        var remembered = await verifiedState.LoadAsync(stoppingToken);
        verifier.Restore(remembered);
        if (remembered.Count > 0)
        {
            logger.LogInformation("Starting from what an earlier run verified: {Verified}",
                string.Join(", ", remembered.Select(r => $"{r.Key} on {r.Value.Instance} at epoch {r.Value.ConfigEpoch}")));
        }
        // The data plane outlives its control plane: what the proxy runs is vouched for on the instances' own word at
        // once, so a restarted service answers "up" within its start-up instead of after the Sentinels (some may be
        // down, and a connection to a dead one takes its timeout). Changing the proxy still needs a majority.
        await reconciler.VouchAllAsync(stoppingToken);
        await WarmUpAsync(stoppingToken);

        var links = sentinels.RunAsync(OnSwitchMaster, OnConnected, stoppingToken);
        var timer = RequestPeriodicReconcilesAsync(stoppingToken);
        try
        {
            // A failover missed while this service was down is repaired by this first pass; it waits for the
            // first connection attempts (at most the connect timeout) so that it has Sentinels to ask.
            await sentinels.FirstAttempts.WaitAsync(stoppingToken);
            _started = true;
            queue.RequestReconcile("start-up");
            await foreach (var work in queue.ReadAllAsync(stoppingToken))
            {
                await HandleAsync(work, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        await Task.WhenAll(links, timer);
    }

    /// <summary>
    /// Runs the apply path's code once before any failover needs it (transform, render, temp-file write), so the first
    /// failover after start-up is as quick as the later ones. The temp file is not the wanted file: the proxy ignores it.
    /// </summary>
    private async Task WarmUpAsync(CancellationToken stoppingToken)
    {
        ProxyConfigTransform.WarmUp(inventory, options.RedisPassword);
        try
        {
            await wantedFile.WriteTempAsync(NutcrackerConfig.FromInventory(inventory, options.RedisPassword).Render(), stoppingToken);
            wantedFile.DiscardTemp();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogDebug("Warm-up write of {TempFile} failed: {Reason}", wantedFile.TempPath, e.Message);
        }
    }

    /// <summary>Runs on the Redis client's thread: log and queue only, so the client is never held up.</summary>
    private void OnSwitchMaster(string sentinel, string payload)
    {
        if (!SwitchMasterEvent.TryParse(payload, out var switchMaster, out var problem))
        {
            logger.LogWarning("Ignoring malformed {Channel} from Sentinel {Sentinel}: {Problem} (payload '{Payload}')",
                SwitchMasterEvent.Channel, sentinel, problem, payload);
            return;
        }
        logger.LogInformation("Received {Channel} from Sentinel {Sentinel}: {MasterName} moved from {OldAddress} to {NewAddress}",
            SwitchMasterEvent.Channel, sentinel, switchMaster.MasterName, switchMaster.OldMaster, switchMaster.NewMaster);
        queue.Post(new ReconfigWork.SwitchMasterReceived(switchMaster, sentinel));
    }

    /// <summary>A (re)connected Sentinel may know of a failover announced while it was unreachable: ask everyone again.</summary>
    private void OnConnected(string sentinel)
    {
        if (_started)
        {
            queue.RequestReconcile($"{sentinel} connected");
        }
    }

    private async Task HandleAsync(ReconfigWork work, CancellationToken stoppingToken)
    {
        try
        {
            switch (work)
            {
                case ReconfigWork.SwitchMasterReceived received:
                    var switchMaster = received.SwitchMaster;
                    if (_failovers.IsNew(switchMaster))
                    {
                        telemetry.FailoverSeen(switchMaster.MasterName);
                    }
                    await claims.HandleAnnouncementAsync(switchMaster, received.Sentinel, stoppingToken);
                    break;
                case ReconfigWork.ReconcileRequested reconcile:
                    await reconciler.RunOnceAsync(reconcile.Reason, stoppingToken);
                    break;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // A surprise in one reconfiguration must not stop the service: the host would exit and no later
            // failover would reach the proxy. Log it; the next reconcile starts from the files as they are.
            logger.LogError(e, "Reconfiguration step {Work} failed unexpectedly; carrying on", work);
        }
    }

    private async Task RequestPeriodicReconcilesAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.ReconcileIntervalSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                queue.RequestReconcile("periodic");
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }
}
