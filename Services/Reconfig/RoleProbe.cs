using System.Collections.Concurrent;
using System.Net;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.Reconfig;

/// <summary>Asks a Redis instance of the inventory its own role: the one witness that cannot lag behind itself.</summary>
internal interface IRoleProbe
{
    /// <summary><c>master</c>, <c>slave</c>, ... as <c>ROLE</c> answers; null when the instance did not answer.</summary>
    Task<string?> RoleAsync(RedisInstance instance, CancellationToken cancellationToken);

    /// <summary>Gets ready to ask every instance of <paramref name="inventory"/>, without waiting for any.</summary>
    void Prepare(Inventory inventory);
}

/// <summary>
/// <see cref="IRoleProbe"/> over one kept connection per instance, reached by container name inside the lab network.
/// Only instances of the inventory are ever asked (a claim naming anything else is refused before), and the
/// connections are made at start-up, so the check costs one round trip when a failover comes, not a handshake.
/// </summary>
internal sealed class RedisRoleProbe(ReconfigOptions options) : IRoleProbe, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ConnectionMultiplexer>>> _connections = new();

    /// <summary>Opens a connection to every instance of <paramref name="inventory"/>, without waiting for any.</summary>
    public void Prepare(Inventory inventory)
    {
        foreach (var instance in inventory.RedisInstances)
        {
            _ = Connection(instance);
        }
    }

    /// <inheritdoc />
    public async Task<string?> RoleAsync(RedisInstance instance, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await Connection(instance).WaitAsync(cancellationToken);
            var role = await connection.GetServer(connection.GetEndPoints()[0]).RoleAsync().WaitAsync(cancellationToken);
            return role.Value;
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            return null;
        }
    }

    private Task<ConnectionMultiplexer> Connection(RedisInstance instance) =>
        _connections.GetOrAdd(instance.Name, _ => new Lazy<Task<ConnectionMultiplexer>>(() => ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { new DnsEndPoint(instance.Name, instance.Port) },
            // Kept for the service's lifetime and re-made in the background by the client; a dead master answers
            // "not connected" at once instead of holding up the decision.
            AbortOnConnectFail = false,
            BacklogPolicy = BacklogPolicy.FailFast,
            ConnectTimeout = 1000,
            SyncTimeout = 1000,
            AsyncTimeout = 1000,
            ClientName = "redis-ha-lab-reconfig",
            // Null when the lab has no authentication.
            Password = options.RedisPassword,
        }))).Value;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections.Values.Where(c => c.IsValueCreated))
        {
            try
            {
                await (await connection.Value).DisposeAsync();
            }
            catch (RedisException)
            {
                // Closing anyway.
            }
        }
    }
}
