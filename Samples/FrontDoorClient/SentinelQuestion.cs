using System.Net;
using RedisHaLab.Clients;
using StackExchange.Redis;

namespace RedisHaLab.Samples.FrontDoorClient;

/// <summary>
/// Asks a shard's Sentinels who its master is (<c>SENTINEL GET-MASTER-ADDR-BY-NAME</c>), as a Sentinel-aware client
/// does before connecting. The lab's Sentinels name masters by their lab-network names, which only containers on that
/// network resolve; this app, on the host, reports the answer and keeps its data on the front door.
/// </summary>
internal sealed class SentinelQuestion
{
    // A Sentinel that does not answer within a second is skipped for the next one.
    private static readonly Patience Patience = new() { ConnectMilliseconds = 1000, CommandMilliseconds = 1000 };

    private readonly IReadOnlyList<EndPoint> sentinels;
    private readonly string? password;

    public SentinelQuestion(string connectionString)
    {
        // Asked directly, one Sentinel at a time: with serviceName set, the library would connect to the master itself.
        var options = ConfigurationOptions.Parse(connectionString);
        ServiceName = options.ServiceName ?? "(no serviceName)";
        sentinels = [.. options.EndPoints];
        password = options.Password;
    }

    /// <summary>The shard's Sentinel master name (the connection string's serviceName).</summary>
    public string ServiceName { get; }

    /// <summary>The first answering Sentinel's <c>host:port</c> of the master, or null when none answers.</summary>
    public async Task<string?> MasterAsync()
    {
        foreach (var endpoint in sentinels)
        {
            try
            {
                await using var sentinel = await ConnectionMultiplexer.ConnectAsync(LabConnections.ToSentinel(endpoint, password, Patience));
                switch (await sentinel.GetServer(endpoint).SentinelGetMasterAddressByNameAsync(ServiceName))
                {
                    case DnsEndPoint named:
                        return $"{named.Host}:{named.Port}";
                    case { } address:
                        return address.ToString();
                }
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // The next Sentinel may answer.
            }
        }
        return null;
    }
}
