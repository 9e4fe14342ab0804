using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RedisHaLab.Topology;

namespace RedisHaLab.Reconfig;

/// <summary>How one reconfiguration ended.</summary>
internal enum ApplyOutcome
{
    /// <summary>The config was rewritten and the proxy signalled.</summary>
    Applied,

    /// <summary>The config already pointed at that master.</summary>
    Unchanged,

    /// <summary>The master name belongs to no shard of the inventory.</summary>
    Ignored,

    /// <summary>nutcracker -t refused the new config; the old one stays.</summary>
    Rejected,

    /// <summary>Something failed (file, Docker, config shape); the next reconcile tries again.</summary>
    Failed,
}

/// <summary>Carries out one decision: read the proxy config, change the shard's server, check, replace, signal.</summary>
/// <remarks>Called only from the single reconfiguration loop, so its state needs no lock.</remarks>
internal sealed class ProxyReconfigurator(
    Inventory inventory,
    ReconfigOptions options,
    ProxyConfigFile file,
    ProxyContainer container,
    ReconfigTelemetry telemetry,
    ILogger<ProxyReconfigurator> logger)
{
    // Each Docker call is a local socket round trip; one that takes this long means the engine is in trouble.
    private static readonly TimeSpan DockerTimeout = TimeSpan.FromSeconds(10);

    // Set between a file replaced and its SIGHUP delivered: if that signal fails, the file already looks
    // "unchanged" to every later pass, so this is what makes them signal again.
    private bool _reloadPending;

    /// <summary>Makes the proxy serve the shard of <see cref="ReconfigTarget.MasterName"/> from <see cref="ReconfigTarget.NewMaster"/>.</summary>
    public async Task<ApplyOutcome> ApplyAsync(ReconfigTarget target, CancellationToken cancellationToken)
    {
        NutcrackerConfig current;
        try
        {
            current = NutcrackerConfig.Parse(await file.ReadAsync(cancellationToken));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            logger.LogError("Cannot read proxy config {File}: {Reason}; shard of {MasterName} not reconfigured", file.Path, e.Message, target.MasterName);
            return ApplyOutcome.Failed;
        }

        switch (ProxyConfigTransform.Retarget(current, inventory, target.MasterName, target.NewMaster, target.OldMaster))
        {
            case ProxyConfigChange.UnknownMaster:
                logger.LogWarning("Ignoring master {MasterName} (from {Source}): no shard of {Inventory} is monitored under that name",
                    target.MasterName, target.Source, inventory.SourceFile);
                return ApplyOutcome.Ignored;
            case ProxyConfigChange.CannotApply cannot:
                logger.LogError("Cannot point shard {Shard} ({MasterName}) at {NewAddress} in {File}: {Reason}",
                    cannot.Shard.Name, target.MasterName, target.NewMaster, file.Path, cannot.Reason);
                return ApplyOutcome.Failed;
            case ProxyConfigChange.Unchanged unchanged:
                // Repeats of an announcement land here; they are part of a failover's timeline, periodic passes are not.
                logger.Log(target.Trigger == ReconfigTrigger.Event ? LogLevel.Information : LogLevel.Debug,
                    "Proxy already sends shard {Shard} ({MasterName}) to {Address}; nothing to do ({Trigger} from {Source})",
                    unchanged.Shard.Name, target.MasterName, unchanged.Server.Address, target.TriggerName, target.Source);
                if (_reloadPending && await SignalAsync(cancellationToken))
                {
                    logger.LogInformation("Sent {Container} the SIGHUP an earlier pass could not deliver", container.Name);
                }
                return ApplyOutcome.Unchanged;
            case ProxyConfigChange.Rewrite rewrite:
                return await RewriteAsync(rewrite, target, cancellationToken);
            default:
                throw new UnreachableException();
        }
    }

    private async Task<ApplyOutcome> RewriteAsync(ProxyConfigChange.Rewrite rewrite, ReconfigTarget target, CancellationToken cancellationToken)
    {
        var decided = Stopwatch.GetTimestamp();
        var shard = rewrite.Shard.Name;
        using var activity = ReconfigTelemetry.StartReconfiguration(shard, target, rewrite.Before.Address, rewrite.After.Address);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DockerTimeout);
        try
        {
            await file.WriteTempAsync(rewrite.Config.Render(), timeout.Token);
            if (options.CheckConfigWithNutcracker)
            {
                var check = await container.CheckConfigAsync(file.TempPath, timeout.Token);
                if (!check.Passed)
                {
                    Discard();
                    telemetry.Rejected(shard, target.TriggerName);
                    activity?.SetStatus(ActivityStatusCode.Error, "nutcracker -t rejected the new config");
                    logger.LogError("nutcracker -t in {Container} rejected the config pointing shard {Shard} at {NewAddress}; {File} kept as it was. nutcracker said: {CheckOutput}",
                        container.Name, shard, rewrite.After.Address, file.Path, check.Output);
                    return ApplyOutcome.Rejected;
                }
            }
            file.ReplaceWithTemp();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException || ProxyContainer.IsDockerFailure(e) ||
                                  (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Discard();
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            logger.LogError("Could not rewrite {File} to point shard {Shard} at {NewAddress}: {Reason}; the next reconcile tries again",
                file.Path, shard, rewrite.After.Address, e.Message);
            return ApplyOutcome.Failed;
        }

        _reloadPending = true;
        if (!await SignalAsync(cancellationToken))
        {
            activity?.SetStatus(ActivityStatusCode.Error, "SIGHUP not delivered");
            return ApplyOutcome.Failed;
        }
        var milliseconds = Stopwatch.GetElapsedTime(decided).TotalMilliseconds;
        telemetry.Applied(shard, target.TriggerName, milliseconds);
        logger.LogInformation("Applied: shard {Shard} ({MasterName}) moved from {OldAddress} to {NewAddress} ({Trigger} from {Source}); SIGHUP sent to {Container} {ApplyMs:F1} ms after the decision",
            shard, target.MasterName, rewrite.Before.Address, rewrite.After.Address, target.TriggerName, target.Source, container.Name, milliseconds);
        return ApplyOutcome.Applied;
    }

    /// <summary>Sends SIGHUP; on failure logs it and leaves <see cref="_reloadPending"/> set for the next pass.</summary>
    private async Task<bool> SignalAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DockerTimeout);
        try
        {
            await container.SignalReloadAsync(timeout.Token);
            _reloadPending = false;
            return true;
        }
        catch (Exception e) when (ProxyContainer.IsDockerFailure(e) || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogError("Could not send SIGHUP to {Container}: {Reason}; {File} is already rewritten, the next pass signals again",
                container.Name, e.Message, file.Path);
            return false;
        }
    }

    private void Discard()
    {
        try
        {
            file.DiscardTemp();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover temp file is harmless: the next write replaces it.
            logger.LogDebug("Could not remove {TempFile}: {Reason}", file.TempPath, e.Message);
        }
    }
}
