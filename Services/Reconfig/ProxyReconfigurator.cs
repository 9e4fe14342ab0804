using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RedisHaLab.Topology;

namespace RedisHaLab.Reconfig;

/// <summary>How one reconfiguration ended.</summary>
internal enum ApplyOutcome
{
    /// <summary>The proxy reported that it runs the new config.</summary>
    Applied,

    /// <summary>The running proxy already sent the shard to that master.</summary>
    Unchanged,

    /// <summary>The proxy refused the new config (<c>nutcracker -t</c>, or the new process did not start); the old one runs.</summary>
    Rejected,

    /// <summary>Something failed (file, config shape, no confirmation in time); the next reconcile tries again.</summary>
    Failed,
}

/// <summary>
/// Carries out trusted decisions. It keeps, per shard, the decision the proxy should follow, builds the wanted config
/// from what the proxy <em>runs</em> (never from the file this service wrote: that may be newer than what nutcracker
/// was started with), hands it to the proxy side and waits until the proxy's running record carries its hash.
/// </summary>
/// <remarks>Called only from the single reconfiguration loop, so its state needs no lock.</remarks>
internal sealed class ProxyReconfigurator(
    Inventory inventory,
    ReconfigOptions options,
    IProxySide proxy,
    RunningConfigView running,
    ReconfigTelemetry telemetry,
    ILogger<ProxyReconfigurator> logger)
{
    // The longest wait between two reads of the proxy's reports; a report normally wakes the wait at once.
    private static readonly TimeSpan ConfirmPoll = TimeSpan.FromMilliseconds(100);

    private readonly Dictionary<string, MasterDecision> _intended = [];

    // What the readiness agent reads from its own threads: a fresh immutable copy after each change.
    private volatile IReadOnlyDictionary<string, MasterAddress> _verified = new Dictionary<string, MasterAddress>();

    /// <summary>By shard name, the master this service last verified for it (what the proxy should run), for <see cref="ProxyReadiness"/>.</summary>
    public IReadOnlyDictionary<string, MasterAddress> VerifiedMasters => _verified;

    /// <summary>The instance of <paramref name="shard"/> the running proxy sends it to; null when there is no report or it names none.</summary>
    public async Task<RedisInstance?> RunningMasterAsync(Shard shard, CancellationToken cancellationToken)
    {
        if ((await running.LookAsync(cancellationToken)).Running is not { } now)
        {
            return null;
        }
        return shard.Replicas.Prepend(shard.Master).FirstOrDefault(i =>
            ProxyConfigTransform.Retarget(now.Config, inventory, shard, new MasterAddress(i.Name, i.Port)) is ProxyConfigChange.Unchanged);
    }

    /// <summary>
    /// Takes <paramref name="master"/>, which the proxy already runs for <paramref name="shard"/> and the data plane
    /// confirmed (<paramref name="why"/>), as verified without a Sentinel majority: the proxy is not changed, only vouched for.
    /// </summary>
    /// <returns>True when this is news (it was not the verified master already).</returns>
    public bool Vouch(Shard shard, RedisInstance master, string why)
    {
        var decision = MasterDecision.Vouched(shard, master, why);
        if (_verified.TryGetValue(shard.Name, out var known) && known.Equals(decision.Address))
        {
            return false;
        }
        Intend(decision);
        return true;
    }

    /// <summary>Makes the proxy serve <paramref name="decision"/>'s shard from its master, as the verifier decided.</summary>
    /// <remarks>The decision must come from <see cref="ClaimVerifier"/>: this class does not check it again.</remarks>
    public async Task<ApplyOutcome> ApplyAsync(MasterDecision decision, CancellationToken cancellationToken)
    {
        Intend(decision);
        return await ConvergeAsync(decision, cancellationToken);
    }

    private void Intend(MasterDecision decision)
    {
        _intended[decision.Shard.Name] = decision;
        _verified = _intended.ToDictionary(i => i.Key, i => i.Value.Address);
    }

    private async Task<ApplyOutcome> ConvergeAsync(MasterDecision target, CancellationToken cancellationToken)
    {
        var shard = target.Shard;
        var decided = Stopwatch.GetTimestamp();
        var look = await running.LookAsync(cancellationToken);
        // This service starts alongside its proxy: give a proxy that is starting the time a confirmation gets.
        var starting = Stopwatch.GetTimestamp();
        while (look.Running is null && look.MayPass && Stopwatch.GetElapsedTime(starting).TotalMilliseconds < options.ProxyConfirmTimeoutMilliseconds)
        {
            await proxy.WaitForReportAsync(ConfirmPoll, cancellationToken);
            look = await running.LookAsync(cancellationToken);
        }
        if (look.Running is not { } now)
        {
            logger.LogWarning("Cannot tell what the proxy runs ({Problem}); shard {Shard} not reconfigured, the next pass tries again",
                look.Problem, shard.Name);
            return ApplyOutcome.Failed;
        }

        // Every intended decision applied to what runs; the target shard's change is the one reported.
        var wanted = now.Config;
        ProxyConfigChange? targetChange = null;
        foreach (var intended in _intended.Values)
        {
            var change = ProxyConfigTransform.Retarget(wanted, inventory, intended);
            switch (change)
            {
                case ProxyConfigChange.Rewrite rewrite:
                    wanted = rewrite.Config;
                    break;
                case ProxyConfigChange.CannotApply cannot:
                    logger.LogError("Cannot point shard {Shard} ({MasterName}) at {NewAddress}: {Reason}",
                        cannot.Shard.Name, intended.Shard.SentinelMasterName, intended.Address, cannot.Reason);
                    return ApplyOutcome.Failed;
            }
            if (intended.Shard.Name == shard.Name)
            {
                targetChange = change;
            }
        }
        var wantedText = wanted.Render();
        if (wantedText == now.Text || now.Config.Render() == wantedText)
        {
            // Repeats of an announcement land here; they are part of a failover's timeline, periodic passes are not.
            logger.Log(target.Evidence.Trigger == ReconfigTrigger.Event ? LogLevel.Information : LogLevel.Debug,
                "Proxy already runs shard {Shard} ({MasterName}) on {Address}; nothing to do ({Trigger} from {Source})",
                shard.Name, shard.SentinelMasterName, target.Address, target.TriggerName, target.Evidence.Source);
            await AlignWantedAsync(now.Text, cancellationToken);
            return ApplyOutcome.Unchanged;
        }

        var before = targetChange is ProxyConfigChange.Rewrite r ? r.Before.Address : target.Address.ToString();
        using var activity = ReconfigTelemetry.StartReconfiguration(target, before);
        try
        {
            // Written even when the file already says so: a rename is what wakes the proxy's supervisor, and this
            // is how a change it missed (it was frozen, the service died before it looked) is repaired.
            await proxy.WriteWantedAsync(wantedText, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            logger.LogError("Could not write {File} to point shard {Shard} at {NewAddress}: {Reason}; the next reconcile tries again",
                proxy.WantedPath, shard.Name, target.Address, e.Message);
            return ApplyOutcome.Failed;
        }

        var outcome = await AwaitProxyAsync(RunningConfig.Of(wantedText, wanted), cancellationToken);
        var milliseconds = Stopwatch.GetElapsedTime(decided).TotalMilliseconds;
        switch (outcome)
        {
            case ApplyOutcome.Applied:
                telemetry.Applied(shard.Name, target.TriggerName, milliseconds);
                logger.LogInformation("Applied: shard {Shard} ({MasterName}) moved from {OldAddress} to {NewAddress} ({Trigger} from {Source}); the proxy runs it {ApplyMs:F1} ms after the decision",
                    shard.Name, shard.SentinelMasterName, before, target.Address, target.TriggerName, target.Evidence.Source, milliseconds);
                break;
            case ApplyOutcome.Rejected:
                telemetry.Rejected(shard.Name, target.TriggerName);
                activity?.SetStatus(ActivityStatusCode.Error, "the proxy refused the new config");
                logger.LogError("The proxy refused the config pointing shard {Shard} at {NewAddress} (nutcracker -t, or it did not start); it keeps running the previous one. See the proxy's log",
                    shard.Name, target.Address);
                break;
            default:
                activity?.SetStatus(ActivityStatusCode.Error, "not confirmed");
                logger.LogWarning("The proxy has not confirmed the config pointing shard {Shard} at {NewAddress} within {TimeoutMs} ms; the next reconcile checks again",
                    shard.Name, target.Address, options.ProxyConfirmTimeoutMilliseconds);
                break;
        }
        return outcome;
    }

    /// <summary>
    /// When the proxy runs what this service intends but the wanted file says something else (a broken write, a
    /// change the proxy refused), sets the file back to what runs: else the proxy's next restart would start from it.
    /// The supervisor finds it equal to what runs and restarts nothing.
    /// </summary>
    private async Task AlignWantedAsync(string runningText, CancellationToken cancellationToken)
    {
        try
        {
            if (await proxy.ReadWantedAsync(cancellationToken) != runningText)
            {
                await proxy.WriteWantedAsync(runningText, cancellationToken);
                logger.LogInformation("Set {File} back to the config the proxy runs", proxy.WantedPath);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not set {File} back to the config the proxy runs: {Reason}; the next pass tries again", proxy.WantedPath, e.Message);
        }
    }

    /// <summary>
    /// Waits until the proxy's running record carries <paramref name="wanted"/>'s hash (then its content is known
    /// without reading the YAML back) or the proxy refuses it, within the timeout.
    /// </summary>
    private async Task<ApplyOutcome> AwaitProxyAsync(RunningConfig wanted, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(options.ProxyConfirmTimeoutMilliseconds / 1000.0 * Stopwatch.Frequency);
        while (true)
        {
            try
            {
                if (await proxy.ReadRunningRecordAsync(cancellationToken) is { } json && NutcrackerRunningRecord.Parse(json).ConfigSha256 == wanted.Sha256)
                {
                    running.Confirmed(wanted);
                    return ApplyOutcome.Applied;
                }
                if (await proxy.ReadRejectedAsync(cancellationToken) == wanted.Text)
                {
                    return ApplyOutcome.Rejected;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                // A read racing the supervisor's rename; the next poll sees the file whole.
            }
            if (Stopwatch.GetTimestamp() >= deadline)
            {
                return ApplyOutcome.Failed;
            }
            await proxy.WaitForReportAsync(ConfirmPoll, cancellationToken);
        }
    }
}
