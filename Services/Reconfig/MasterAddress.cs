using System.Net;
using RedisHaLab.Topology;

namespace RedisHaLab.Reconfig;

/// <summary>Where a shard's master listens, as Sentinel names it: a host (container name or IP) and a port.</summary>
internal sealed record MasterAddress(string Host, int Port)
{
    /// <summary>The address Sentinel answered with, or null for an endpoint kind nutcracker cannot be given.</summary>
    public static MasterAddress? FromEndPoint(EndPoint? endPoint) => endPoint switch
    {
        DnsEndPoint dns => new MasterAddress(dns.Host, dns.Port),
        IPEndPoint ip => new MasterAddress(ip.Address.ToString(), ip.Port),
        _ => null,
    };

    /// <summary>True when <paramref name="server"/> points at this address (the host compared as DNS does, ignoring case).</summary>
    public bool IsAddressOf(ProxyServer server) => Equals(new MasterAddress(server.Host, server.Port));

    /// <summary>Host names are case-insensitive, so <c>Node22-Redis-4500</c> and <c>node22-redis-4500</c> are one master.</summary>
    public bool Equals(MasterAddress? other) =>
        other is not null && Port == other.Port && string.Equals(Host, other.Host, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(Host), Port);

    /// <summary><c>host:port</c>, as nutcracker writes it.</summary>
    public override string ToString() => $"{Host}:{Port}";
}
