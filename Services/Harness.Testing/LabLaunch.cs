using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RedisHaLab.Harness;

/// <summary>
/// Builds a lab's app from the host, as the integration tests and the benchmarks start labs: the AppHost's Main run in
/// this process (Aspire.Hosting.Testing) with the plan's command line and no dashboard, handed to a <see cref="LabRun"/>.
/// </summary>
public static class LabLaunch
{
    /// <summary>
    /// Builds the app of <typeparamref name="TEntryPoint"/> (<c>Projects.AppHost</c>) for <paramref name="plan"/>; not started.
    /// </summary>
    /// <param name="plan">The inventory, lab index and password; its <see cref="LabPlan.Arguments"/> are the AppHost's command line.</param>
    /// <param name="quietLogs">
    /// Keeps the lab's own chatter (containers' output, health checks red until an instance is up, the missing dev
    /// certificate) out of a program's progress lines; warnings and errors still show.
    /// </param>
    /// <param name="cancellationToken">Ends the build early.</param>
    /// <param name="note">Given to the <see cref="LabRun"/>: told what its stop had to do by force.</param>
    public static async Task<LabRun> BuildAsync<TEntryPoint>(LabPlan plan, bool quietLogs, CancellationToken cancellationToken,
        Action<string>? note = null)
        where TEntryPoint : class
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<TEntryPoint>(
            [.. plan.Arguments],
            (options, _) => options.DisableDashboard = true,
            cancellationToken);
        if (quietLogs)
        {
            builder.Services.AddLogging(logging => logging
                .SetMinimumLevel(LogLevel.Warning)
                // Containers' stderr (twemproxy logs there), health checks that are red until an instance is up, and the
                // missing dev certificate (no dashboard here) are normal while a lab starts.
                .AddFilter("AppHost.Resources", LogLevel.None)
                .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
                .AddFilter("Aspire.Hosting.Dcp.DcpHost", LogLevel.Error));
        }
        var app = await builder.BuildAsync(cancellationToken);
        return new LabRun(app, plan.Inventory, note);
    }

    /// <summary>
    /// <see cref="BuildAsync{TEntryPoint}"/>, then <see cref="LabRun.StartAsync"/>, each within <paramref name="within"/> (the
    /// build takes seconds; the start is what needs the bound).
    /// A start that fails is stopped (its containers gone) before the exception leaves.
    /// </summary>
    /// <exception cref="TimeoutException">Not protected within <paramref name="within"/>; the message names what was not healthy yet.</exception>
    public static async Task<LabRun> StartAsync<TEntryPoint>(LabPlan plan, TimeSpan within, bool quietLogs, CancellationToken cancellationToken,
        Action<string>? note = null)
        where TEntryPoint : class
    {
        LabRun run;
        using (var building = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            building.CancelAfter(within);
            run = await BuildAsync<TEntryPoint>(plan, quietLogs, building.Token, note);
        }
        try
        {
            await run.StartAsync(within, cancellationToken);
        }
        catch
        {
            await run.StopAsync();
            throw;
        }
        return run;
    }
}
