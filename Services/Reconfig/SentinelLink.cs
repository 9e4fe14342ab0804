using System.Net;
using Microsoft.Extensions.Logging;
using RedisHaLab.Clients;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.Reconfig;

/// <summary>
/// One Sentinel, reached by its container name inside the lab network: a connection subscribed to
/// <c>+switch-master</c>, re-made with back-off whenever the Sentinel goes away, and asked for masters on demand.
/// </summary>
internal sealed class SentinelLink(SentinelInstance sentinel, string? password, ILogger logger)
{
    // Short first retry: a restarted Sentinel is back within a second or two. Capped, so a Sentinel that stays
    // down for minutes is still noticed within seconds of returning.
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(10);

    private readonly DnsEndPoint _endpoint = new(sentinel.Name, sentinel.Port);
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile ConnectionMultiplexer? _connection;

    /// <summary>The Sentinel's container name, used in logs and answers.</summary>
    public string Name => sentinel.Name;

    /// <summary>Completes once the first connection attempt has succeeded or failed.</summary>
    public Task FirstAttempt => _firstAttempt.Task;

    /// <summary>
    /// Keeps a subscribed connection until <paramref name="cancellationToken"/> fires. Calls <paramref name="onMessage"/>
    /// with each raw <c>+switch-master</c> payload, and <paramref name="onConnected"/> after every (re)connection,
    /// since announcements made while disconnected are lost and only asking again can make up for them.
    /// </summary>
    public async Task RunAsync(Action<SentinelLink, string> onMessage, Action<SentinelLink> onConnected, CancellationToken cancellationToken)
    {
        var retry = FirstRetry;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            ConnectionMultiplexer? connection = null;
            try
            {
                connection = await ConnectionMultiplexer.ConnectAsync(Options());
                var lost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                connection.ConnectionFailed += (_, e) => lost.TrySetResult($"{e.ConnectionType} connection: {e.FailureType}");
                await connection.GetSubscriber().SubscribeAsync(RedisChannel.Literal(SwitchMasterEvent.Channel),
                    (_, payload) => onMessage(this, payload.ToString()));
                _connection = connection;
                logger.LogInformation("Subscribed to {Channel} on Sentinel {Sentinel} at {Endpoint} ({Failures} failed attempts before)",
                    SwitchMasterEvent.Channel, Name, _endpoint, failures);
                failures = 0;
                retry = FirstRetry;
                _firstAttempt.TrySetResult();
                onConnected(this);
                var reason = await lost.Task.WaitAsync(cancellationToken);
                logger.LogWarning("Lost Sentinel {Sentinel} at {Endpoint} ({Reason}); reconnecting", Name, _endpoint, reason);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // Everything else too: a link that gave up would leave this service deaf to one Sentinel for good.
                failures++;
                // The first failure in a row is news; the retries that follow are not.
                logger.Log(failures == 1 ? LogLevel.Warning : LogLevel.Debug,
                    "Sentinel {Sentinel} at {Endpoint} unreachable (attempt {Attempt}): {Reason}; retrying in {RetryMs} ms",
                    Name, _endpoint, failures, Describe(e), retry.TotalMilliseconds);
            }
            finally
            {
                _firstAttempt.TrySetResult();
                _connection = null;
                if (connection is not null)
                {
                    await connection.DisposeAsync();
                }
            }
            try
            {
                await Task.Delay(retry, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LongestRetry.Ticks));
        }
    }

    /// <summary>
    /// Asks <c>SENTINEL MASTER</c>: the address and the config epoch in one answer. A Sentinel that is not connected
    /// answers at once as unreachable.
    /// </summary>
    public async Task<SentinelAnswer> AskMasterAsync(string masterName)
    {
        var connection = _connection;
        if (connection is not { IsConnected: true })
        {
            return SentinelAnswer.Unreachable(Name, "not connected");
        }
        try
        {
            var fields = (await connection.GetServer(_endpoint).SentinelMasterAsync(masterName))
                .GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.First().Value);
            return SentinelMasterReply.Read(Name, fields);
        }
        catch (RedisServerException e) when (e.Message.Contains("No such master", StringComparison.OrdinalIgnoreCase))
        {
            return SentinelAnswer.Unknown(Name);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            return SentinelAnswer.Unreachable(Name, Describe(e));
        }
    }

    /// <summary>The short reason: the client's own connect message advises settings this class chose on purpose.</summary>
    private static string Describe(Exception e) => e is RedisConnectionException connection
        ? $"{connection.FailureType}{(connection.InnerException is null ? "" : $" ({connection.InnerException.Message})")}"
        : e.Message;

    // This loop owns reconnecting (with its own back-off and a re-ask of the masters afterwards), so the client fails
    // fast instead of retrying or queueing commands behind a dead connection.
    private static readonly Patience Patience = new()
    {
        ConnectMilliseconds = 2000,
        CommandMilliseconds = 2000,
        ConnectRetry = 1,
        FailFast = true,
    };

    private ConfigurationOptions Options() => LabConnections.ToSentinel(_endpoint, password, Patience, "redis-ha-lab-reconfig");
}
