using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RedisHaLab.Probes;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.AppHost.Lab;

/// <summary>
/// Roles in the dashboard: twice a second it asks every Redis instance <c>ROLE</c> and shows the answer in the instance's
/// row ("master of g2 (127.0.0.24:4501)"), and each shard's master, by <see cref="ShardMasters"/>' one rule, in the
/// shard's row. A change of master is logged in the shard's console, so a failover reads as it happens. It also writes
/// and reads back a key of each shard through the front door (the proxy health check's keys), and a shard the front door
/// does not serve turns its row's state to "not served" within about a second: Aspire re-runs a healthy resource's own
/// health check only every 30 s (an internal interval), too late to see a shard routed to a dead or demoted master.
/// </summary>
/// <remarks>
/// The instance's row shows its role as the text of its endpoint's URL: Aspire overwrites a container's state text at
/// each change Docker reports and computes health only while that text is "Running", so the role cannot take the
/// state's place there. The shard's row is the lab's own resource, whose state and URLs are the lab's to set.
/// </remarks>
internal sealed class LabRoleBoard(
    LabResources lab,
    DistributedApplicationOptions options,
    ResourceNotificationService notifications,
    ResourceLoggerService resourceLogs,
    ILogger<LabRoleBoard> logger) : BackgroundService
{
    /// <summary>Within about a second of a switch, at a cost of one ROLE per instance per period.</summary>
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the board waits for a shard's key through the front door before it calls the shard not served.</summary>
    private static readonly TimeSpan FrontDoorBudget = TimeSpan.FromMilliseconds(600);

    /// <summary>The property under which an instance's role is kept in its details.</summary>
    public const string RolePropertyName = "redis.role";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.DisableDashboard)
        {
            return;
        }
        var password = await lab.Secret.GetAsync(stoppingToken);
        var instances = lab.Inventory.RedisInstances.ToList();
        // Kept open: they reconnect on their own after a kill, and fail at once while an instance is away.
        var connections = await Task.WhenAll(instances.Select(i => LabClients.RedisForWatchAsync(LabEndpoints.Aspire.Of(i), password)));
        try
        {
            var masters = new ShardMasters(new SentinelView(lab.Inventory, password, LabEndpoints.Aspire));
            // A tighter budget than Aspire's check: a healthy front door answers in milliseconds, and the board must show
            // a shard the front door cannot serve within about a second (measured with 1.3 s: 2.9 s after the kill).
            var frontDoor = ProxyHealthCheck.For(lab.Inventory, "role-board", LabEndpoints.Aspire.FrontDoor(lab.Inventory), lab.Secret, FrontDoorBudget);
            var shownRoles = new Dictionary<RedisInstance, string>();
            var shownMasters = new Dictionary<Shard, string>();
            using var timer = new PeriodicTimer(Period);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var served = await frontDoor.OutcomesAsync(stoppingToken);
                    await ShowOnceAsync(instances, connections, masters, served, shownRoles, shownMasters);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A board that stops would leave stale roles on screen, and an exception out of a hosted service
                    // stops the AppHost with the lab in it: say what went wrong and look again next period.
                    logger.LogWarning(e, "The role board could not update the dashboard this time");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost is stopping.
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private async Task ShowOnceAsync(List<RedisInstance> instances, ConnectionMultiplexer[] connections, ShardMasters masters,
        IReadOnlyList<HealthKeyOutcome> served, Dictionary<RedisInstance, string> shownRoles, Dictionary<Shard, string> shownMasters)
    {
        var answers = await Task.WhenAll(instances.Select(async (instance, i) => new RoleAnswer(instance, await RedisProbe.RoleAsync(instance, LabEndpoints.Aspire, connections[i]))));
        foreach (var answer in answers)
        {
            var text = ShardMasters.RoleText(answer);
            if (shownRoles.GetValueOrDefault(answer.Instance) != text)
            {
                shownRoles[answer.Instance] = text;
                await ShowRoleAsync(answer.Instance, text);
            }
        }
        foreach (var shard in lab.Inventory.Shards)
        {
            var master = await masters.OfAsync(shard, answers.Where(a => a.Instance.ShardName == shard.Name).ToList());
            // Keys of unknown shard (a proxy hashing otherwise) speak for every shard.
            var failure = served.FirstOrDefault(o => o.Failure is not null && (o.Key.Shard is null || o.Key.Shard == shard.Name))?.Failure;
            var text = $"{master.Instance?.Name ?? "no master"}|{failure}";
            if (shownMasters.GetValueOrDefault(shard) != text)
            {
                var before = shownMasters.GetValueOrDefault(shard);
                shownMasters[shard] = text;
                await ShowMasterAsync(shard, master, failure, before?.Split('|')[0]);
            }
        }
    }

    private Task ShowRoleAsync(RedisInstance instance, string role)
    {
        var resource = lab.Redis[instance.Name].Resource;
        var text = $"{role} ({LabEndpoints.Aspire.Of(instance)})";
        // Aspire rebuilds a container's URLs from these annotations at each change Docker reports: the text is set
        // there, so it survives, and in the snapshot, so it shows now.
        foreach (var url in resource.Annotations.OfType<ResourceUrlAnnotation>().Where(IsRedisEndpoint))
        {
            url.DisplayText = text;
        }
        return notifications.PublishUpdateAsync(resource, snapshot => snapshot with
        {
            Urls = [.. snapshot.Urls.Select(u => u.Name == LabRedis.PrimaryEndpointName
                ? u with { DisplayProperties = new UrlDisplayPropertiesSnapshot(text, u.DisplayProperties.SortOrder) }
                : u)],
            Properties = [.. snapshot.Properties.Where(p => p.Name != RolePropertyName), new ResourcePropertySnapshot(RolePropertyName, role)],
        });
    }

    private static bool IsRedisEndpoint(ResourceUrlAnnotation url) => url.Endpoint?.EndpointName == LabRedis.PrimaryEndpointName;

    private async Task ShowMasterAsync(Shard shard, ShardMaster master, string? notServed, string? before)
    {
        var resource = lab.Shards[shard.Name].Resource;
        await notifications.PublishUpdateAsync(resource, snapshot => snapshot with
        {
            // The state column is narrow: a word and a colour; the master itself goes to the URL column.
            State = master.Instance is null ? new ResourceStateSnapshot("no master", KnownResourceStateStyles.Error)
                : notServed is not null ? new ResourceStateSnapshot("not served", KnownResourceStateStyles.Error)
                : new ResourceStateSnapshot("served", KnownResourceStateStyles.Success),
            Urls = master.Instance is null
                ? []
                : [new UrlSnapshot("master", $"tcp://{LabEndpoints.Aspire.Of(master.Instance)}", IsInternal: false)
                {
                    DisplayProperties = new UrlDisplayPropertiesSnapshot($"master: {master.Instance.Name}", 0),
                }],
            Properties = [.. snapshot.Properties.Where(p => p.Name is not ("shard.evidence" or "shard.front-door")),
                new ResourcePropertySnapshot("shard.evidence", master.Evidence),
                new ResourcePropertySnapshot("shard.front-door", notServed is null ? "a key written through the front door reads back" : $"not served: {notServed}")],
        });
        var now = master.Instance?.Name ?? "no master";
        var serving = notServed is null ? "served through the front door" : $"NOT served through the front door: {notServed}";
        var message = before is null ? $"{shard.Name}: {master}; {serving}"
            : before == now ? $"{shard.Name}: {serving}"
            : $"{shard.Name}: master {before} -> {master}; {serving}";
        resourceLogs.GetLogger(resource).LogInformation("{Change}", message);
        logger.LogInformation("{Change}", message);
    }
}

/// <summary>Adds the <see cref="LabRoleBoard"/> to a running lab.</summary>
internal static class LabRoleBoardExtensions
{
    public static void AddRoleBoard(this IDistributedApplicationBuilder builder, LabResources lab)
    {
        // A manifest run starts no container, and a run without a dashboard (tests, the benchmark) has nobody to
        // show roles to: the board would only add its polling to what they measure.
        if (builder.ExecutionContext.IsRunMode)
        {
            builder.Services.AddHostedService(services => new LabRoleBoard(lab,
                services.GetRequiredService<DistributedApplicationOptions>(),
                services.GetRequiredService<ResourceNotificationService>(),
                services.GetRequiredService<ResourceLoggerService>(),
                services.GetRequiredService<ILogger<LabRoleBoard>>()));
        }
    }
}

