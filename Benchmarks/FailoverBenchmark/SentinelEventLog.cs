using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.FailoverBenchmark;

/// <summary>One event a Sentinel published, stamped with <see cref="BenchClock"/> as it arrived here.</summary>
/// <param name="AtMs">Arrival time.</param>
/// <param name="Sentinel">The Sentinel's container name.</param>
/// <param name="Channel">The event (<c>+sdown</c>, <c>+odown</c>, <c>+switch-master</c>, ...).</param>
/// <param name="Payload">The message as Sentinel wrote it.</param>
public sealed record SentinelEvent(double AtMs, string Sentinel, string Channel, string Payload)
{
    /// <summary>True for <c>+sdown</c>/<c>+odown</c> about the master named <paramref name="masterName"/> (not a replica or a Sentinel).</summary>
    public bool IsAboutMaster(string masterName) =>
        Channel == "+switch-master"
            ? Payload.StartsWith(masterName + " ", StringComparison.Ordinal)
            : Payload.StartsWith($"master {masterName} ", StringComparison.Ordinal);
}

/// <summary>
/// Subscribes to the failover events of every Sentinel of the lab for as long as it lives, and keeps them all:
/// the Sentinels' own account of each failover (kill, <c>+sdown</c>, <c>+odown</c>, <c>+switch-master</c>).
/// </summary>
internal sealed class SentinelEventLog : IAsyncDisposable
{
    /// <summary>The channels listened to.</summary>
    public static readonly string[] Channels = ["+sdown", "-sdown", "+odown", "+switch-master", "+convert-to-slave"];

    private readonly List<SentinelEvent> _events = [];
    private readonly List<ConnectionMultiplexer> _connections = [];

    /// <summary>Connects to every Sentinel of <paramref name="lab"/> and subscribes.</summary>
    public static async Task<SentinelEventLog> StartAsync(LabSession lab)
    {
        var log = new SentinelEventLog();
        foreach (var sentinel in lab.Inventory.Sentinels.Instances)
        {
            var connection = await lab.ConnectSentinelAsync(LabSession.EndpointOf(sentinel));
            log._connections.Add(connection);
            foreach (var channel in Channels)
            {
                await connection.GetSubscriber().SubscribeAsync(RedisChannel.Literal(channel), (_, payload) =>
                {
                    var at = BenchClock.NowMs;
                    lock (log._events)
                    {
                        log._events.Add(new SentinelEvent(at, sentinel.Name, channel, payload.ToString()));
                    }
                });
            }
        }
        return log;
    }

    /// <summary>Every event that arrived between two times, in arrival order.</summary>
    public IReadOnlyList<SentinelEvent> Between(double fromMs, double toMs)
    {
        lock (_events)
        {
            return _events.Where(e => e.AtMs >= fromMs && e.AtMs <= toMs).OrderBy(e => e.AtMs).ToList();
        }
    }

    /// <summary>The first <paramref name="channel"/> about master <paramref name="masterName"/> after <paramref name="fromMs"/>, from any Sentinel.</summary>
    public SentinelEvent? First(string channel, string masterName, double fromMs)
    {
        lock (_events)
        {
            return _events.Where(e => e.Channel == channel && e.AtMs >= fromMs && e.IsAboutMaster(masterName)).MinBy(e => e.AtMs);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }
}
