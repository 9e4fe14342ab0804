using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RedisHaLab.Topology;

namespace RedisHaLab.Reconfig;

/// <summary>
/// The readiness port the load balancer's check asks through the proxy's container (a relay there forwards it here):
/// each connection gets one line, <c>up ...</c> or <c>down ...</c>, by <see cref="ProxyReadiness"/>, and is closed.
/// Runs only in inventories with a load balancer. A service that is down, frozen or cut off answers nothing, and the
/// check fails: a proxy whose reconfig service cannot vouch for it gets no new clients.
/// </summary>
internal sealed class ReadinessAgent(Inventory inventory, ProxyReconfigurator reconfigurator, IProxySide proxy, ILogger<ReadinessAgent> logger)
    : BackgroundService
{
    private Readiness? _last;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var port = inventory.LoadBalancer!.ReadinessPort;
        using var listener = new TcpListener(IPAddress.Any, port);
        listener.Start();
        logger.LogInformation("Answering the load balancer's readiness check on port {Port}", port);
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
        string? running;
        try
        {
            running = await proxy.ReadRunningAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            running = null;
        }
        var readiness = ProxyReadiness.Decide(inventory, reconfigurator.VerifiedMasters, running);
        var last = Interlocked.Exchange(ref _last, readiness);
        if (last?.IsUp != readiness.IsUp)
        {
            logger.Log(readiness.IsUp ? LogLevel.Information : LogLevel.Warning,
                "Readiness for the load balancer: {Answer} ({Reason})", readiness.IsUp ? "up" : "down", readiness.Reason);
        }
        return readiness;
    }
}
