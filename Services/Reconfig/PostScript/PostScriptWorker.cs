using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RedisHaLab.Topology;

namespace RedisHaLab.Reconfig.PostScript;

/// <summary>
/// <c>reconfig: post-script</c>: the post's <c>client-reconfig-script</c>, run by this service instead of by a
/// Sentinel. It hears <c>+switch-master</c> from the Sentinel on the proxy's node only (the post set the script on
/// that Sentinel alone) and, for every announcement, edits the proxy's config as the script's <c>sed</c> did; the
/// proxy's supervisor, which watches that file, restarts nutcracker on it as the script's kill and start did.
/// </summary>
/// <remarks>
/// Deliberately without the lab's safeguards: no reconcile after a missed announcement, no majority of Sentinels,
/// no repeat filtering, no check of the claim. Announcements are handled one at a time, in order. One difference is
/// the proxy's, not this class's: its supervisor runs <c>nutcracker -t</c> before any restart, so a broken edit
/// leaves the old nutcracker running where the post's script would have left none.
/// </remarks>
internal sealed class PostScriptWorker(
    Inventory inventory,
    ProxyInstance proxy,
    ReconfigOptions options,
    ProxyConfigFile file,
    ILoggerFactory loggerFactory,
    ILogger<PostScriptWorker> logger) : BackgroundService
{
    private static readonly TimeSpan FileTimeout = TimeSpan.FromSeconds(10);

    private readonly Channel<string> _announcements = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The loader refuses a post-script inventory without a Sentinel on each proxy's node.
        var sentinel = inventory.Sentinels.Instances.Single(s => s.Node == proxy.Node);
        var link = new SentinelLink(sentinel, options.RedisPassword, loggerFactory.CreateLogger<SentinelLink>());
        logger.LogInformation(
            "Post-script mode: {Channel} from Sentinel {Sentinel} only; each one rewrites {File} textually, which restarts nutcracker",
            SwitchMasterEvent.Channel, sentinel.Name, file.Path);

        var listening = link.RunAsync((_, payload) => _announcements.Writer.TryWrite(payload), _ => { }, stoppingToken);
        try
        {
            await foreach (var payload in _announcements.Reader.ReadAllAsync(stoppingToken))
            {
                await RunScriptAsync(payload, sentinel.Name, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        await listening;
    }

    /// <summary>One run of the script: derive the file and sed it (the proxy restarts nutcracker on the new file).</summary>
    private async Task RunScriptAsync(string payload, string sentinel, CancellationToken stoppingToken)
    {
        var started = Stopwatch.GetTimestamp();
        if (!SwitchMasterEvent.TryParse(payload, out var switchMaster, out var problem))
        {
            // Sentinel never sends such a thing; the script would have run with empty arguments and done nothing useful.
            logger.LogWarning("Ignoring malformed {Channel} from Sentinel {Sentinel}: {Problem} (payload '{Payload}')",
                SwitchMasterEvent.Channel, sentinel, problem, payload);
            return;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(FileTimeout);
        try
        {
            var derived = PostScriptRewrite.ConfigFileName(switchMaster.MasterName);
            if (derived != Path.GetFileName(file.Path))
            {
                // The script's sed would fail on a file that is not there.
                logger.LogError("Master {MasterName} names config {Derived}, not the proxy's {File}: not edited",
                    switchMaster.MasterName, derived, file.Path);
            }
            else
            {
                var edit = PostScriptRewrite.Apply(await file.ReadAsync(timeout.Token), switchMaster.OldMaster, switchMaster.NewMaster);
                if (edit.LinesChanged > 0)
                {
                    // sed -i writes a new file and renames it over the old one: the same here.
                    await file.WriteTempAsync(edit.Text, timeout.Token);
                    file.ReplaceWithTemp();
                }
                logger.LogInformation("Post script for {MasterName} (from {Sentinel}): {OldAddress} -> {NewAddress}, {Lines} line(s) of {File} changed",
                    switchMaster.MasterName, sentinel, switchMaster.OldMaster, switchMaster.NewMaster, edit.LinesChanged, file.Path);
            }
            logger.LogInformation("Post script: done {ElapsedMs:F1} ms after the announcement",
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException ||
                                  (e is OperationCanceledException && !stoppingToken.IsCancellationRequested))
        {
            // The script has no retry either: the failover stays unapplied until the next announcement.
            logger.LogError("Post script for {MasterName} failed: {Reason}; nothing retries it", switchMaster.MasterName, e.Message);
        }
    }
}
