using System.Net;
using RedisHaLab.Clients;
using StackExchange.Redis;

namespace RedisHaLab.Probes;

/// <summary>The chaos library's StackExchange.Redis connections: each kind of lab server, with how long chaos waits on it.</summary>
/// <remarks>
/// Every method takes the lab's password: null for a lab without authentication (no AUTH is sent), else the one
/// password every Redis, Sentinel and the proxy of the lab ask for. What each kind of server needs is
/// <see cref="LabConnections"/>'s; the waits are chaos's own.
/// </remarks>
public static class LabClients
{
    /// <summary>A short-lived connection's wait: a paused or cut-off instance must read as "not answering" within a poll, not hold the caller up.</summary>
    public const int QuickMilliseconds = 1500;

    /// <summary>The playbook's own front-door connection's wait: a write answered within this or counted as failed.</summary>
    public const int ProxyMilliseconds = 2000;

    // A watch probes many times a second: a paused or cut-off instance may cost it half a second per probe, no more.
    private const int WatchMilliseconds = 500;

    private const string ClientName = "redis-ha-lab-chaos";

    private static readonly Patience Quick = Patience.Quick(QuickMilliseconds);

    /// <summary>A short-lived admin connection to one Redis instance; fails fast when it does not answer.</summary>
    public static Task<ConnectionMultiplexer> RedisAsync(IPEndPoint endpoint, string? password) =>
        ConnectionMultiplexer.ConnectAsync(LabConnections.ToRedis(endpoint, password, Quick, ClientName, admin: true));

    /// <summary>
    /// A connection to one Redis instance that lives as long as a watch does: it reconnects on its own after a restart,
    /// and a command sent while the instance is away fails at once, so one instance down never holds the watch up.
    /// </summary>
    public static Task<ConnectionMultiplexer> RedisForWatchAsync(IPEndPoint endpoint, string? password) =>
        ConnectionMultiplexer.ConnectAsync(LabConnections.ToRedis(endpoint, password,
            Patience.RidingOut(WatchMilliseconds, reconnectEveryMilliseconds: 200), $"{ClientName}-watch"));

    /// <summary>A short-lived connection to one Sentinel; fails fast when it does not answer. It may PUBLISH (hello messages only).</summary>
    public static Task<ConnectionMultiplexer> SentinelAsync(IPEndPoint endpoint, string? password) =>
        ConnectionMultiplexer.ConnectAsync(LabConnections.ToSentinel(endpoint, password, Quick, ClientName, admin: true, publishHello: true));

    /// <summary>
    /// A connection to the proxy that rides out its restarts: it reconnects on its own, and a command sent while it is
    /// disconnected fails at once instead of waiting in a queue, so a client sees each outage as it happens.
    /// </summary>
    public static Task<ConnectionMultiplexer> ProxyAsync(IPEndPoint frontDoor, string? password) =>
        ConnectionMultiplexer.ConnectAsync(LabConnections.ToProxy(frontDoor, password,
            Patience.RidingOut(ProxyMilliseconds, reconnectEveryMilliseconds: 100)));

    /// <summary>A short-lived connection to the proxy; fails fast when it does not answer (health checks, one-off reads).</summary>
    public static Task<ConnectionMultiplexer> ProxyQuickAsync(IPEndPoint frontDoor, string? password) =>
        ConnectionMultiplexer.ConnectAsync(LabConnections.ToProxy(frontDoor, password, Quick));

    /// <summary>True for the ways a call to a lab server fails when the server is down, silent or unreachable.</summary>
    public static bool IsUnreachable(Exception e) => e is RedisException or TimeoutException or ObjectDisposedException;
}
