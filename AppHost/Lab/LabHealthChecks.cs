using System.Net;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RedisHaLab.Chaos;
using StackExchange.Redis;

namespace RedisHaLab.AppHost.Lab;

// Health as each instance's role defines it, checked from the host through the instance's published
// loopback port (the only way host code reaches the lab). Aspire's WaitFor builds start-up order on these.

/// <summary>A Redis instance is healthy when it answers and, while it is a replica, its link to the master is up.</summary>
internal sealed class RedisInstanceHealthCheck(IPEndPoint endpoint, LabSecret secret) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var redis = await LabClients.RedisAsync(endpoint, await secret.GetAsync(cancellationToken));
            var info = (await redis.GetServer(endpoint).InfoAsync("replication")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
            var role = info.GetValueOrDefault("role");
            if (role == "slave" && info.GetValueOrDefault("master_link_status") != "up")
            {
                return HealthCheckResult.Unhealthy($"replica of {info.GetValueOrDefault("master_host")}:{info.GetValueOrDefault("master_port")}, link not up yet");
            }
            return HealthCheckResult.Healthy($"role {role}");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"{endpoint} does not answer", e);
        }
    }
}

/// <summary>A Sentinel is healthy when it monitors every master of the inventory and sees none objectively down.</summary>
internal sealed class SentinelHealthCheck(IPEndPoint endpoint, IReadOnlyList<string> masterNames, LabSecret secret) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var sentinel = await LabClients.SentinelAsync(endpoint, await secret.GetAsync(cancellationToken));
            var masters = (await sentinel.GetServer(endpoint).SentinelMastersAsync())
                .Select(m => m.ToDictionary(p => p.Key, p => p.Value))
                .ToDictionary(m => m["name"]);
            var missing = masterNames.Where(n => !masters.ContainsKey(n)).ToList();
            if (missing.Count > 0)
            {
                return HealthCheckResult.Unhealthy($"does not monitor {string.Join(", ", missing)}");
            }
            var down = masterNames.Where(n => masters[n]["flags"].Contains("o_down")).ToList();
            return down.Count > 0
                ? HealthCheckResult.Degraded($"sees {string.Join(", ", down)} objectively down")
                : HealthCheckResult.Healthy($"monitors {masterNames.Count} masters");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"{endpoint} does not answer", e);
        }
    }
}

/// <summary>The proxy is healthy when a read through it reaches a backend and gets an answer.</summary>
internal sealed class ProxyHealthCheck(IPEndPoint endpoint, LabSecret secret) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var proxy = await LabClients.ProxyQuickAsync(endpoint, await secret.GetAsync(cancellationToken));
            // twemproxy answers PING itself; a GET has to travel to a shard and back.
            await proxy.GetDatabase().StringGetAsync("redis-ha-lab:health");
            return HealthCheckResult.Healthy("serves reads");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"{endpoint} does not serve reads", e);
        }
    }
}
