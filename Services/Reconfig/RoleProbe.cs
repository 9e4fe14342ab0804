using System.Collections.Concurrent;
using System.Net;
using RedisHaLab.Clients;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.Reconfig;

/// <summary>
/// Asks a Redis instance of the inventory its own role and replication history (<c>INFO replication</c>): the
/// witnesses that cannot lag behind themselves.
/// </summary>
internal interface IRoleProbe
{
    /// <summary>What <paramref name="instance"/> of <paramref name="shard"/> says of its replication; null when it did not answer.</summary>
    Task<ReplicationFacts?> FactsAsync(Shard shard, RedisInstance instance, CancellationToken cancellationToken);

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
    public async Task<ReplicationFacts?> FactsAsync(Shard shard, RedisInstance instance, CancellationToken cancellationToken)
    {
        string info;
        try
        {
            var connection = await Connection(instance).WaitAsync(cancellationToken);
            info = await connection.GetServer(connection.GetEndPoints()[0]).InfoRawAsync("replication").WaitAsync(cancellationToken) ?? "";
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Any failure to get an answer (refused, timed out, a request the client cancelled) is "did not answer".
            return null;
        }
        // A replica names its master as it was told to (REPLICAOF host port): by container name when Sentinel or the
        // lab did it, possibly by address when an operator did. Addresses are looked up only in that second case.
        (string Host, int Port)? reported = null;
        var facts = ReplicationFacts.Parse(info, (host, port) =>
        {
            reported = (host, port);
            return FindByName(shard, host, port);
        });
        if (facts is { Role: "slave", Follows: null } && reported is { } master && IPAddress.TryParse(master.Host, out var address))
        {
            var instances = await Task.WhenAll(shard.Replicas.Prepend(shard.Master).Select(async i => (Instance: i, Addresses: await AddressesOf(i.Name))));
            return facts with { Follows = instances.FirstOrDefault(i => i.Instance.Port == master.Port && i.Addresses.Contains(address)).Instance };
        }
        return facts;
    }

    private static RedisInstance? FindByName(Shard shard, string host, int port) =>
        shard.Replicas.Prepend(shard.Master).FirstOrDefault(i => i.Port == port && string.Equals(i.Name, host, StringComparison.OrdinalIgnoreCase));

    private static async Task<IPAddress[]> AddressesOf(string host)
    {
        try
        {
            return await Dns.GetHostAddressesAsync(host).WaitAsync(TimeSpan.FromMilliseconds(500));
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or TimeoutException)
        {
            return [];
        }
    }

    private Task<ConnectionMultiplexer> Connection(RedisInstance instance) =>
        _connections.GetOrAdd(instance.Name, _ => new Lazy<Task<ConnectionMultiplexer>>(() => ConnectionMultiplexer.ConnectAsync(
            // INFO, which the client counts among admin commands.
            LabConnections.ToRedis(new DnsEndPoint(instance.Name, instance.Port), options.RedisPassword, Patience, "redis-ha-lab-reconfig", admin: true)))).Value;

    // Kept for the service's lifetime and re-made in the background by the client; a dead master answers "not connected"
    // at once instead of holding up the decision.
    private static readonly Patience Patience = new()
    {
        ConnectMilliseconds = 1000,
        CommandMilliseconds = 1000,
        ConnectsInBackground = true,
        FailFast = true,
    };

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
