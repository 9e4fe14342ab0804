using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RedisHaLab.Topology;

namespace RedisHaLab.Reconfig;

/// <summary>
/// The readiness answer, one line, <c>up protected ...</c>, <c>up unprotected ...</c> or <c>down ...</c>, by
/// <see cref="ProxyReadiness"/>. Four times a second it is written beside the proxy's reports: the relay in the proxy's
/// container answers the load balancer's check with it (the first word), and the AppHost's health check reads it from
/// the host and wants <c>up protected</c>. On the readiness port each connection gets it too, for a look by hand from
/// the lab network. A service that is down, frozen or cut off writes nothing, and once its last answer is a few seconds
/// old both checks fail: a proxy whose reconfig service cannot vouch for it gets no new clients, and the lab is not ready.
/// </summary>
internal sealed class ReadinessAgent(Inventory inventory, ProxyReconfigurator reconfigurator, IProxySide proxy, RunningConfigView running, ServingProbe serving,
    Reconciler reconciler, ILogger<ReadinessAgent> logger) : BackgroundService
{
    private Readiness? _last;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Nothing is answered before the start-up pass has vouched for what the proxy runs: a "down" in between would
        // take a serving proxy out of rotation (the relay in its container bridges the silence with the last answer of
        // the previous run). Bounded, so a pass that hangs cannot keep the service silent for ever.
        try
        {
            await reconciler.StartupVouched.WaitAsync(StartupSilenceAtMost, stoppingToken);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("The start-up pass has not vouched within {Seconds} s; answering readiness anyway", StartupSilenceAtMost.TotalSeconds);
        }
        var port = inventory.ReadinessPort;
        using var listener = new TcpListener(IPAddress.Any, port);
        listener.Start();
        logger.LogInformation("Answering readiness checks on port {Port} and in {File}", port, proxy.ReadinessPath);
        var reports = ReportAsync(stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stoppingToken);
                _ = AnswerAsync(client, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        await reports;
    }

    /// <summary>The longest the service stays silent at start waiting for its start-up pass.</summary>
    public static readonly TimeSpan StartupSilenceAtMost = TimeSpan.FromSeconds(5);

    /// <summary>How often the answer is written beside the reports (what the proxy's relay and the AppHost read).</summary>
    public static readonly TimeSpan ReportEvery = TimeSpan.FromMilliseconds(250);

    /// <summary>Writes the answer beside the proxy's reports four times a second, for the proxy's relay and the AppHost's health check.</summary>
    private async Task ReportAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(ReportEvery);
        var failing = false;
        try
        {
            do
            {
                try
                {
                    await proxy.WriteReadinessAsync((await DecideAsync(stoppingToken)).Answer, stoppingToken);
                    failing = false;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    if (!failing)
                    {
                        logger.LogWarning("Cannot write the readiness answer to {File}: {Reason}; trying again", proxy.ReadinessPath, e.Message);
                    }
                    failing = true;
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task AnswerAsync(TcpClient client, CancellationToken stoppingToken)
    {
        using (client)
        {
            try
            {
                var readiness = await DecideAsync(stoppingToken);
                var stream = client.GetStream();
                await stream.WriteAsync(Encoding.ASCII.GetBytes(readiness.Answer), stoppingToken);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                // The checker hung up first, or the service stops: nothing to answer.
            }
        }
    }

    /// <summary>The current verdict; a change is logged once, so the log shows when and why the proxy left or rejoined.</summary>
    internal async Task<Readiness> DecideAsync(CancellationToken cancellationToken)
    {
        var readiness = ProxyReadiness.WithServing(ProxyReadiness.Decide(inventory, reconfigurator.VerifiedMasters, await running.LookAsync(cancellationToken)),
            serving.Last, reconciler.WithoutMajority, DateTime.UtcNow);
        var last = Interlocked.Exchange(ref _last, readiness);
        if (last?.IsUp != readiness.IsUp || last.IsProtected != readiness.IsProtected)
        {
            logger.Log(readiness.IsProtected ? LogLevel.Information : LogLevel.Warning, "Readiness: {Answer}", readiness.Answer.TrimEnd());
        }
        return readiness;
    }
}
