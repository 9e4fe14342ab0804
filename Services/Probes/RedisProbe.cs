using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.Probes;

/// <summary>Asks Redis instances about their role and replication, through their published loopback ports.</summary>
/// <remarks>The password is the lab's, null when it has no authentication.</remarks>
public static class RedisProbe
{
    /// <summary><c>INFO replication</c> of <paramref name="instance"/>, or why it did not answer.</summary>
    public static async Task<ReplicationInfo> ReplicationAsync(RedisInstance instance, LabEndpoints endpoints, string? password)
    {
        var endpoint = endpoints.Of(instance);
        try
        {
            await using var redis = await LabClients.RedisAsync(endpoint, password);
            var info = await redis.GetServer(endpoint).InfoAsync("replication");
            return ReplicationInfo.FromInfo(info.SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value));
        }
        catch (Exception e) when (LabClients.IsUnreachable(e))
        {
            return ReplicationInfo.Unreachable($"{endpoint}: {e.GetType().Name}");
        }
    }

    /// <summary>What <paramref name="instance"/> answers to <c>ROLE</c> (<c>master</c> or <c>slave</c>), or null when it does not answer.</summary>
    public static async Task<string?> RoleAsync(RedisInstance instance, LabEndpoints endpoints, string? password)
    {
        try
        {
            await using var redis = await LabClients.RedisAsync(endpoints.Of(instance), password);
            return await RoleAsync(instance, endpoints, redis);
        }
        catch (Exception e) when (LabClients.IsUnreachable(e))
        {
            return null;
        }
    }

    /// <summary>What <paramref name="instance"/> answers to <c>ROLE</c> over a connection the caller keeps, or null when it does not answer.</summary>
    public static async Task<string?> RoleAsync(RedisInstance instance, LabEndpoints endpoints, ConnectionMultiplexer connection)
    {
        try
        {
            return (await connection.GetServer(endpoints.Of(instance)).RoleAsync()).Value;
        }
        catch (Exception e) when (LabClients.IsUnreachable(e))
        {
            return null;
        }
    }

    /// <summary>
    /// Null when every replica of <paramref name="master"/>'s shard has all the master has written (same offset), else
    /// what is behind. Replication is asynchronous: before a master dies on purpose, its replicas should have caught up.
    /// </summary>
    public static async Task<string?> ReplicasBehindAsync(Shard shard, RedisInstance master, LabEndpoints endpoints, string? password)
    {
        var masterInfo = await ReplicationAsync(master, endpoints, password);
        if (!masterInfo.IsMaster)
        {
            return $"{master.Name} is not answering as master: {masterInfo}";
        }
        foreach (var replica in shard.Replicas.Prepend(shard.Master).Where(i => i != master))
        {
            var info = await ReplicationAsync(replica, endpoints, password);
            if (!info.IsReplicaOf(master) || info.Offset < masterInfo.Offset)
            {
                return $"{replica.Name} is {info}; {master.Name} is at offset {masterInfo.Offset}";
            }
        }
        return null;
    }
}
