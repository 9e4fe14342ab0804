using System.Globalization;
using System.Net;
using StackExchange.Redis;
using StackExchange.Redis.Configuration;

namespace RedisHaLab.Clients;

/// <summary>
/// Lets a Sentinel-aware client on this machine's host follow the lab: the Sentinels name masters, replicas and each
/// other by the names containers reach them by (<c>node24-redis-4500:4500</c>), which nothing on the host resolves. This
/// tunnel connects each such name to where the host reaches the same server (<c>127.0.0.24:4500</c>, its port published
/// on its node's loopback address), and refuses any other address, so a client never sends a byte (nor a DNS question)
/// anywhere but the lab.
/// </summary>
/// <remarks>
/// <para>
/// The client keeps the names as the servers' identities (the master it follows is <c>node24-redis-4500:4500</c>, as
/// the Sentinels say); only the socket goes to the mapped address. A loopback address given as it is (the Sentinels in
/// the shard's connection string) is used as it is.
/// </para>
/// <para>
/// A custom tunnel cannot travel in a connection string (StackExchange.Redis writes only its own there), so an app given
/// the shard's connection string gets the map beside it, in the form of <see cref="ToString"/>, and
/// <see cref="Parse"/> reads it back.
/// </para>
/// </remarks>
public sealed class LabAddressTunnel : Tunnel
{
    // (host name in lower case, port): DNS ignores case, and so does Docker's.
    private readonly Dictionary<(string Host, int Port), IPEndPoint> _addresses;

    /// <param name="addresses">Each server of the lab: the name and port the lab network knows it by, and where the host reaches it.</param>
    /// <exception cref="ArgumentException">A name given twice, or a host address that is not loopback.</exception>
    public LabAddressTunnel(IEnumerable<(string Name, int Port, IPEndPoint Host)> addresses)
    {
        _addresses = [];
        foreach (var (name, port, host) in addresses)
        {
            if (!IPAddress.IsLoopback(host.Address))
            {
                throw new ArgumentException($"{name}:{port} is mapped to {host}, which is not a loopback address; the host reaches the lab on loopback only", nameof(addresses));
            }
            if (!_addresses.TryAdd((name.ToLowerInvariant(), port), host))
            {
                throw new ArgumentException($"{name}:{port} is mapped twice", nameof(addresses));
            }
        }
    }

    /// <summary>How many servers the map names.</summary>
    public int Count => _addresses.Count;

    /// <summary>Where the host reaches <paramref name="endpoint"/>, or why it may not be reached.</summary>
    /// <exception cref="LabAddressException">An address the lab's map does not name and that is not loopback.</exception>
    public IPEndPoint HostEndpointOf(EndPoint endpoint) => endpoint switch
    {
        DnsEndPoint named when _addresses.TryGetValue((named.Host.ToLowerInvariant(), named.Port), out var host) => host,
        IPEndPoint address when IPAddress.IsLoopback(address.Address) => address,
        _ => throw new LabAddressException(
            $"{Format(endpoint)} is no server of this lab (its map names {string.Join(", ", _addresses.Keys.Select(k => $"{k.Host}:{k.Port}").Order(StringComparer.Ordinal))}); " +
            "a client on the host connects to the lab's servers only"),
    };

    /// <summary>
    /// Raised with the reason each time a connection is refused. The client library keeps a tunnel's exception to
    /// itself (it reports only an endpoint that did not respond), so this is where a caller learns why.
    /// </summary>
    public event Action<string>? Refused;

    /// <inheritdoc />
    public override ValueTask<EndPoint?> GetSocketConnectEndpointAsync(EndPoint endpoint, CancellationToken cancellationToken)
    {
        try
        {
            return new(HostEndpointOf(endpoint));
        }
        catch (LabAddressException e)
        {
            Refused?.Invoke(e.Message);
            throw;
        }
    }

    /// <summary>The map as one line: <c>name:port=address:port</c>, comma-separated, e.g. <c>node24-redis-4500:4500=127.0.0.24:4500</c>.</summary>
    public override string ToString() =>
        string.Join(",", _addresses.OrderBy(a => a.Key.Host, StringComparer.Ordinal).ThenBy(a => a.Key.Port)
            .Select(a => $"{a.Key.Host}:{a.Key.Port.ToString(CultureInfo.InvariantCulture)}={a.Value}"));

    /// <summary>Reads a map written by <see cref="ToString"/>.</summary>
    /// <exception cref="FormatException">A part that is not <c>name:port=address:port</c>, with the part and the fix.</exception>
    public static LabAddressTunnel Parse(string text)
    {
        var addresses = new List<(string, int, IPEndPoint)>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var halves = part.Split('=');
            var colon = halves[0].LastIndexOf(':');
            if (halves.Length != 2 || colon <= 0
                || !int.TryParse(halves[0][(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
                || !IPEndPoint.TryParse(halves[1], out var host) || host.Port == 0)
            {
                throw new FormatException($"'{part}' is not name:port=address:port (e.g. node24-redis-4500:4500=127.0.0.24:4500)");
            }
            addresses.Add((halves[0][..colon], port, host));
        }
        try
        {
            return new LabAddressTunnel(addresses);
        }
        catch (ArgumentException e)
        {
            throw new FormatException(e.Message.Split(" (Parameter")[0], e);
        }
    }

    private static string Format(EndPoint endpoint) => endpoint switch
    {
        DnsEndPoint named => $"{named.Host}:{named.Port}",
        _ => endpoint.ToString() ?? "(no address)",
    };
}

/// <summary>A client was asked to connect where the lab's address map does not lead.</summary>
public sealed class LabAddressException(string message) : RedisException(message);
