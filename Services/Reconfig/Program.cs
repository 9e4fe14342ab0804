// The reconfig service: the lab's replacement for the post's client-reconfig-script. It follows every Sentinel
// and keeps twemproxy's config pointing at each shard's current master. An inventory with
// 'reconfig: post-script' gets the post's script instead (PostScript/), to compare the two.
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RedisHaLab.Reconfig;
using RedisHaLab.Reconfig.PostScript;
using RedisHaLab.Topology;

var builder = Host.CreateApplicationBuilder(args);

ReconfigOptions options;
try
{
    options = builder.Configuration.GetSection(ReconfigOptions.Section).Get<ReconfigOptions>() ?? new ReconfigOptions();
}
catch (InvalidOperationException e)
{
    // The binder's message names the key whose value could not be read (e.g. Lab:ReconcileIntervalSeconds).
    return NotStarted(e.Message);
}
if (options.Problems() is { Count: > 0 } problems)
{
    return NotStarted(string.Join(Environment.NewLine + "  ", problems.Prepend("settings to fix:")));
}

Inventory inventory;
try
{
    inventory = LabPlacement.Place(InventoryLoader.Load(options.Inventory!), options.LabIndex);
}
catch (InventoryException e)
{
    return NotStarted($"{ReconfigOptions.Variable(nameof(ReconfigOptions.Inventory))}: {e.Message}");
}

// Checked against the inventory here, so a lab whose servers want a password never starts a service that has none.
if (inventory.Authentication == LabAuthentication.Password && LabPassword.Problem(options.RedisPassword) is { } passwordProblem)
{
    return NotStarted($"{ReconfigOptions.Variable(nameof(ReconfigOptions.RedisPassword))}: {Path.GetFileName(inventory.SourceFile)} turns authentication on, and {passwordProblem}");
}
if (inventory.Authentication == LabAuthentication.None)
{
    // A password the servers do not ask for would be sent anyway and refused by each of them.
    options.RedisPassword = null;
}

// Each proxy has a reconfig service of its own (inventories with several proxies name it in Lab__Proxy).
ProxyInstance proxy;
if (options.Proxy is null)
{
    if (inventory.Proxies.Count > 1)
    {
        return NotStarted($"{ReconfigOptions.Variable(nameof(ReconfigOptions.Proxy))} is missing and {Path.GetFileName(inventory.SourceFile)} runs " +
                          $"{inventory.Proxies.Count} proxies; set it to one of {string.Join(", ", inventory.Proxies.Select(p => p.Name))}");
    }
    proxy = inventory.Proxy;
}
else if (inventory.FindProxy(options.Proxy) is { } named)
{
    proxy = named;
}
else
{
    return NotStarted($"{ReconfigOptions.Variable(nameof(ReconfigOptions.Proxy))} '{options.Proxy}' is no proxy of {Path.GetFileName(inventory.SourceFile)}; " +
                      $"use one of {string.Join(", ", inventory.Proxies.Select(p => p.Name))}");
}

// The proxy's reports sit beside the wanted file, under the names the inventory gives them (the supervisor is handed
// the same names by its container's command: LabModel).
var wanted = new ProxyConfigFile(options.ProxyConfigFile!);
var folder = Path.GetDirectoryName(wanted.Path)!;
builder.Services
    .AddSingleton(options)
    .AddSingleton(inventory)
    .AddSingleton(wanted)
    .AddSingleton(proxy)
    .AddSingleton<IProxySide>(new ProxyConfigFolder(wanted, Path.Combine(folder, proxy.RunningConfigFileName),
        Path.Combine(folder, proxy.RunningRecordFileName), Path.Combine(folder, proxy.RejectedConfigFileName), Path.Combine(folder, proxy.VerifiedFileName), Path.Combine(folder, proxy.ReadinessFileName)));
if (inventory.Proxy.Reconfig == ProxyReconfigMode.PostScript)
{
    // The inventory asks for the post's own mechanism (inventories/post-fidelity.yml), for comparison.
    builder.Services.AddPostScriptReconfig();
}
else
{
    builder.Services
        .AddSingleton<ReconfigTelemetry>()
        .AddSingleton<SentinelLinks>()
        .AddSingleton<ISentinels>(services => services.GetRequiredService<SentinelLinks>())
        .AddSingleton<ISentinelFeed>(services => services.GetRequiredService<SentinelLinks>())
        .AddSingleton<RedisRoleProbe>()
        .AddSingleton<IRoleProbe>(services => services.GetRequiredService<RedisRoleProbe>())
        .AddSingleton<ClaimVerifier>()
        .AddSingleton<VerifiedState>()
        .AddSingleton<ReconfigQueue>()
        .AddSingleton<RunningConfigView>()
        .AddSingleton<ProxyReconfigurator>()
        .AddSingleton<ClaimHandler>()
        .AddSingleton<Reconciler>()
        .AddHostedService<ReconfigWorker>()
        // What runs must serve: a write through the proxy on every shard, every second.
        .AddSingleton<ServingProbe>()
        .AddHostedService(services => services.GetRequiredService<ServingProbe>())
        // This service vouches for its proxy on the readiness port: to the load balancer (up while it runs the
        // verified masters and serves) and to the AppHost's health check (protected: serves every shard, majority).
        .AddHostedService<ReadinessAgent>();
}
builder.AddOpenTelemetryWhenConfigured();

using var host = builder.Build();
// Started and stopped here, not by RunAsync: RunAsync disposes the services, and the check below needs them (reading a
// disposed provider ended every stop with a stack trace).
await host.StartAsync();
await host.WaitForShutdownAsync();
// A background service that failed stops the host (logged above): exit non-zero, so that the container's restart
// policy (on-failure) starts the service again instead of leaving the proxy unguarded.
var failed = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().Any(s => s.ExecuteTask is { IsFaulted: true });
return failed ? 70 : 0;

static int NotStarted(string why)
{
    Console.Error.WriteLine($"The reconfig service was not started. {why}");
    return 2;
}
