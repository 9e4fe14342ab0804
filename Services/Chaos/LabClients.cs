using System.Net;
using StackExchange.Redis;

namespace RedisHaLab.Chaos;

/// <summary>StackExchange.Redis connections with the settings each kind of lab server needs.</summary>
/// <remarks>
/// Every method takes the lab's password: null for a lab without authentication (no AUTH is sent), else the one
/// password every Redis, Sentinel and the proxy of the lab ask for.
/// </remarks>
public static class LabClients
{
    // Short: a paused or cut-off instance must read as "not answering" within a poll, not hold the caller up.
    internal const int QuickMilliseconds = 1500;

    // The playbook's own front-door connection: a write answered within this or counted as failed.
    internal const int ProxyMilliseconds = 2000;

    // A watch probes many times a second: a paused or cut-off instance may cost it half a second per probe, no more.
    private const int WatchMilliseconds = 500;

    // StackExchange.Redis's Sentinel map, plus PUBLISH: Sentinel accepts it on its hello channel (and only there), and
    // that is how a forged announcement reaches it. The library's own map leaves PUBLISH out.
    private static readonly CommandMap SentinelWithPublish = CommandMap.Create(
        ["auth", "hello", "info", "ping", "role", "sentinel", "shutdown", "subscribe", "psubscribe", "unsubscribe", "punsubscribe", "publish"],
        available: true);

    /// <summary>A short-lived admin connection to one Redis instance; fails fast when it does not answer.</summary>
    public static Task<ConnectionMultiplexer> RedisAsync(IPEndPoint endpoint, string? password) =>
        ConnectionMultiplexer.ConnectAsync(Quick(endpoint, password));

    /// <summary>
    /// A connection to one Redis instance that lives as long as a watch does: it reconnects on its own after a restart,
    /// and a command sent while the instance is away fails at once, so one instance down never holds the watch up.
    /// </summary>
    public static Task<ConnectionMultiplexer> RedisForWatchAsync(IPEndPoint endpoint, string? password) =>
        ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { endpoint },
            AbortOnConnectFail = false,
            BacklogPolicy = BacklogPolicy.FailFast,
            ConnectTimeout = WatchMilliseconds,
            SyncTimeout = WatchMilliseconds,
            AsyncTimeout = WatchMilliseconds,
            ReconnectRetryPolicy = new LinearRetry(200),
            ClientName = "redis-ha-lab-chaos-watch",
            Password = password,
        });

    /// <summary>A short-lived connection to one Sentinel; fails fast when it does not answer. It may PUBLISH (hello messages only).</summary>
    public static Task<ConnectionMultiplexer> SentinelAsync(IPEndPoint endpoint, string? password)
    {
        var options = Quick(endpoint, password);
        options.CommandMap = SentinelWithPublish;
        return ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>
    /// What every client of the lab's front door needs, and all the AppHost's connection string says: the proxy's
    /// command map, the lab's password, and no tie-breaker read.
    /// </summary>
    /// <remarks>
    /// StackExchange.Redis reads a tie-breaker key (<c>GET __Booksleeve_TieBreak</c>) when it connects. Through
    /// twemproxy that read goes to the key's shard, which may have no master (the seconds of a failover); a client
    /// version whose handshake waits for the read then cannot connect at all, whichever shard its own keys live on
    /// (measured with 2.13: every connection opened during a g2 failover waited for the proxy's restart). The key
    /// only chooses between masters, which a proxy never offers, so the front door's clients do without it.
    /// </remarks>
    public static ConfigurationOptions FrontDoorOptions(IPEndPoint frontDoor, string? password) => new()
    {
        EndPoints = { frontDoor },
        Proxy = Proxy.Twemproxy,
        TieBreaker = "",
        Password = password,
    };

    /// <summary>
    /// A connection to the proxy that rides out its restarts: it reconnects on its own, and a command sent while it is
    /// disconnected fails at once instead of waiting in a queue, so a client sees each outage as it happens.
    /// </summary>
    public static Task<ConnectionMultiplexer> ProxyAsync(IPEndPoint frontDoor, string? password)
    {
        var options = FrontDoorOptions(frontDoor, password);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ConnectTimeout = options.SyncTimeout = options.AsyncTimeout = ProxyMilliseconds;
        options.ReconnectRetryPolicy = new LinearRetry(100);
        return ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>A short-lived connection to the proxy; fails fast when it does not answer (health checks, one-off reads).</summary>
    public static Task<ConnectionMultiplexer> ProxyQuickAsync(IPEndPoint frontDoor, string? password)
    {
        var options = FrontDoorOptions(frontDoor, password);
        options.AbortOnConnectFail = true;
        options.ConnectRetry = 0;
        options.ConnectTimeout = options.SyncTimeout = options.AsyncTimeout = QuickMilliseconds;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        return ConnectionMultiplexer.ConnectAsync(options);
    }

    private static ConfigurationOptions Quick(IPEndPoint endpoint, string? password) => new()
    {
        Password = password,
        EndPoints = { endpoint },
        AllowAdmin = true,
        AbortOnConnectFail = true,
        ConnectRetry = 0,
        ConnectTimeout = QuickMilliseconds,
        SyncTimeout = QuickMilliseconds,
        AsyncTimeout = QuickMilliseconds,
        BacklogPolicy = BacklogPolicy.FailFast,
        ClientName = "redis-ha-lab-chaos",
    };

    /// <summary>True for the ways a call to a lab server fails when the server is down, silent or unreachable.</summary>
    public static bool IsUnreachable(Exception e) => e is RedisException or TimeoutException or ObjectDisposedException;
}
