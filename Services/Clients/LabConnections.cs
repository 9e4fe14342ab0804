using System.Net;
using StackExchange.Redis;

namespace RedisHaLab.Clients;

/// <summary>
/// The one place that builds StackExchange.Redis options for the lab's three kinds of server: the front door
/// (twemproxy, perhaps behind HAProxy), one Redis instance, one Sentinel; and for a shard followed through its
/// Sentinels. What a kind needs is set here; how long a caller waits is the caller's (<see cref="Patience"/>).
/// </summary>
/// <remarks>
/// <para>
/// <c>password</c> everywhere: null for a lab without authentication (no AUTH is sent), else the one password
/// every Redis, Sentinel and the proxy of the lab ask for.
/// </para>
/// <para>
/// RESP2 on every connection, direct ones included. The front door must have it (below). Redis 7.0.15 and its
/// Sentinels speak RESP3, but nothing in the lab needs it (no client-side caching, a handful of connections), and
/// RESP2 keeps what the lab has measured: pub/sub on its own connection, so the Sentinel events the reconfig service
/// and the benchmark subscribe to (<c>+switch-master</c>) arrive, and are lost, independently of the commands, and a
/// lost subscription shows as its own <c>ConnectionFailed</c>. The client's RESP3 path on Sentinels is young (3.1.31
/// fixed a credential desync that made a Sentinel read as "not a Sentinel connection", and subscriptions landing on
/// the command connection after a reconnect fell back to RESP2). The client still sends <c>HELLO 2</c> to a direct
/// server, which Redis 7 and Sentinel answer; only the proxy must never see it.
/// </para>
/// </remarks>
public static class LabConnections
{
    // StackExchange.Redis's Sentinel map, plus PUBLISH: Sentinel accepts it on its hello channel (and only there), and
    // that is how a forged announcement reaches it. The library's own map leaves PUBLISH out.
    private static readonly CommandMap SentinelWithPublish = CommandMap.Create(
        ["auth", "hello", "info", "ping", "role", "sentinel", "shutdown", "subscribe", "psubscribe", "unsubscribe", "punsubscribe", "publish"],
        available: true);

    /// <summary>Options for the lab's front door at <paramref name="frontDoor"/>.</summary>
    /// <remarks>
    /// <para>
    /// The front door is twemproxy, sometimes behind HAProxy, so the client cannot find out what it talks to: it is told.
    /// <c>Proxy.Twemproxy</c> brings the proxy's command map, which leaves out what twemproxy does not serve (admin
    /// commands, pub/sub, transactions) and <c>HELLO</c>: twemproxy closes the connection on a command it does not
    /// know, and StackExchange.Redis 3 sends <c>HELLO</c> on every connection to a server it takes for Redis 6 or later
    /// (3.0 asked for RESP3 through it; 3.1.31 on sends <c>HELLO 2</c> even for RESP2). RESP2 is said too, so the
    /// protocol does not hang on whether the map left <c>HELLO</c> out. No <c>AllowAdmin</c>: the proxy serves none.
    /// </para>
    /// <para>
    /// No tie-breaker read: StackExchange.Redis reads a tie-breaker key (<c>GET __Booksleeve_TieBreak</c>) when it
    /// connects. Through twemproxy that read goes to the key's shard, which may have no master (the seconds of a
    /// failover); a client version whose handshake waits for the read then cannot connect at all, whichever shard its
    /// own keys live on (measured with 2.13: every connection opened during a g2 failover waited for the proxy's
    /// restart). The key only chooses between masters, which a proxy never offers.
    /// </para>
    /// </remarks>
    public static ConfigurationOptions ToProxy(EndPoint frontDoor, string? password, Patience patience, string? clientName = null) =>
        AsProxy(Direct(frontDoor, password), patience, clientName);

    /// <summary>
    /// Options for the front door from a StackExchange.Redis connection string (the AppHost's, with its endpoint and the
    /// lab's password), with everything <see cref="ToProxy(EndPoint, string?, Patience, string?)"/> sets whatever the
    /// string says.
    /// </summary>
    public static ConfigurationOptions ToProxy(string connectionString, Patience patience, string? clientName = null) =>
        AsProxy(ConfigurationOptions.Parse(connectionString), patience, clientName);

    /// <summary>Options for one Redis instance, asked directly.</summary>
    /// <param name="admin">True to allow the commands the client counts as admin (INFO, CLIENT, REPLICAOF, ...).</param>
    public static ConfigurationOptions ToRedis(EndPoint instance, string? password, Patience patience, string? clientName = null, bool admin = false)
    {
        var options = Direct(instance, password).With(patience, clientName);
        options.AllowAdmin = admin;
        return options;
    }

    /// <summary>Options for one Sentinel, asked directly (not the client's own Sentinel mode: no service name, no master connection).</summary>
    /// <param name="admin">True to allow the commands the client counts as admin (INFO among them).</param>
    /// <param name="publishHello">
    /// True to allow PUBLISH, which a Sentinel accepts on its hello channel only: the chaos library's forged announcement.
    /// </param>
    public static ConfigurationOptions ToSentinel(EndPoint sentinel, string? password, Patience patience, string? clientName = null,
        bool admin = false, bool publishHello = false)
    {
        var options = Direct(sentinel, password).With(patience, clientName);
        // A Sentinel refuses every data command: without its own map the client's handshake and routing would send them.
        options.CommandMap = publishHello ? SentinelWithPublish : CommandMap.Sentinel;
        options.AllowAdmin = admin;
        return options;
    }

    /// <summary>
    /// Options for a shard the client's own Sentinel mode follows: it asks <paramref name="sentinels"/> who masters
    /// <paramref name="serviceName"/>, connects there, and moves to the new master on <c>+switch-master</c>. From the host,
    /// the names the Sentinels give go through <paramref name="addresses"/> (<see cref="LabAddressTunnel"/>).
    /// </summary>
    public static ConfigurationOptions ToShard(IEnumerable<EndPoint> sentinels, string serviceName, string? password,
        LabAddressTunnel addresses, Patience patience, string? clientName = null)
    {
        var options = new ConfigurationOptions { ServiceName = serviceName };
        foreach (var sentinel in sentinels)
        {
            options.EndPoints.Add(sentinel);
        }
        if (password is not null)
        {
            options.Password = password;
        }
        return AsShard(options, addresses, patience, clientName);
    }

    /// <summary>
    /// Options for a shard from its connection string (the AppHost's <c>WithReference(shard)</c>: every Sentinel,
    /// <c>serviceName=</c> and the lab's password), with what <see cref="ToShard(IEnumerable{EndPoint}, string, string?, LabAddressTunnel, Patience, string?)"/> sets.
    /// </summary>
    public static ConfigurationOptions ToShard(string connectionString, LabAddressTunnel addresses, Patience patience, string? clientName = null) =>
        AsShard(ConfigurationOptions.Parse(connectionString), addresses, patience, clientName);

    private static ConfigurationOptions AsShard(ConfigurationOptions options, LabAddressTunnel addresses, Patience patience, string? clientName)
    {
        if (string.IsNullOrEmpty(options.ServiceName))
        {
            throw new ArgumentException("a shard's options need its Sentinel master name (serviceName=...)", nameof(options));
        }
        options.Tunnel = addresses;
        // See the remarks of this class; the Sentinels and the master speak it alike.
        options.Protocol = RedisProtocol.Resp2;
        return options.With(patience, clientName);
    }

    private static ConfigurationOptions Direct(EndPoint endpoint, string? password)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { endpoint },
            // See the remarks of this class.
            Protocol = RedisProtocol.Resp2,
        };
        if (password is not null)
        {
            options.Password = password;
        }
        return options;
    }

    private static ConfigurationOptions AsProxy(ConfigurationOptions options, Patience patience, string? clientName)
    {
        options.Proxy = Proxy.Twemproxy;
        options.Protocol = RedisProtocol.Resp2;
        options.TieBreaker = "";
        return options.With(patience, clientName);
    }

    private static ConfigurationOptions With(this ConfigurationOptions options, Patience patience, string? clientName)
    {
        options.ConnectTimeout = patience.ConnectMilliseconds;
        if (patience.CommandMilliseconds is { } command)
        {
            options.SyncTimeout = options.AsyncTimeout = command;
        }
        options.AbortOnConnectFail = !patience.ConnectsInBackground;
        if (patience.ConnectRetry is { } retry)
        {
            options.ConnectRetry = retry;
        }
        if (patience.FailFast)
        {
            options.BacklogPolicy = BacklogPolicy.FailFast;
        }
        if (patience.ReconnectEveryMilliseconds is { } every)
        {
            options.ReconnectRetryPolicy = new LinearRetry(every);
        }
        if (clientName is not null)
        {
            options.ClientName = clientName;
        }
        return options;
    }
}
