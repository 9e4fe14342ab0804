namespace RedisHaLab.Clients;

/// <summary>
/// How long one caller waits on a lab server, and what its connection does while the server is away. Each caller keeps
/// its own values (they are tuned to what it measures or serves); <see cref="LabConnections"/> applies them.
/// </summary>
/// <remarks>A setting left null keeps StackExchange.Redis's own default, so a caller that never set it is unchanged.</remarks>
public sealed record Patience
{
    /// <summary>Milliseconds a connect may take (<c>ConnectTimeout</c>).</summary>
    public required int ConnectMilliseconds { get; init; }

    /// <summary>Milliseconds a command may take, synchronous and asynchronous alike; null keeps the client's default.</summary>
    public int? CommandMilliseconds { get; init; }

    /// <summary>
    /// True: the connect returns even when the server does not answer, and the client keeps connecting in the background
    /// (<c>AbortOnConnectFail = false</c>), for a connection kept as long as its caller runs. False: a server that does not
    /// answer fails the connect, for a short-lived connection or a caller that owns its own retries.
    /// </summary>
    public bool ConnectsInBackground { get; init; }

    /// <summary>How many times the first connect is tried again; null keeps the client's default.</summary>
    public int? ConnectRetry { get; init; }

    /// <summary>
    /// True: a command sent while the connection is down fails at once (<c>BacklogPolicy.FailFast</c>) instead of waiting
    /// in a queue, so a caller sees each outage as it happens.
    /// </summary>
    public bool FailFast { get; init; }

    /// <summary>Milliseconds between the client's own reconnect attempts (<c>LinearRetry</c>); null keeps the client's back-off.</summary>
    public int? ReconnectEveryMilliseconds { get; init; }

    /// <summary>
    /// A connection kept as long as its caller runs, that rides out the server's restarts: one timeout for connect and
    /// commands, connecting in the background, failing a command at once while disconnected (so each outage shows as it
    /// happens), and reconnecting every <paramref name="reconnectEveryMilliseconds"/> (null: the client's back-off).
    /// </summary>
    public static Patience RidingOut(int milliseconds, int? reconnectEveryMilliseconds = null) => new()
    {
        ConnectMilliseconds = milliseconds,
        CommandMilliseconds = milliseconds,
        ConnectsInBackground = true,
        FailFast = true,
        ReconnectEveryMilliseconds = reconnectEveryMilliseconds,
    };

    /// <summary>A short-lived connection that fails fast: one timeout for connect and commands, no retry, no queue.</summary>
    public static Patience Quick(int milliseconds) => new()
    {
        ConnectMilliseconds = milliseconds,
        CommandMilliseconds = milliseconds,
        ConnectRetry = 0,
        FailFast = true,
    };
}
