using System.Net;

namespace RedisHaLab.Topology;

public static partial class InventoryLoader
{
    /// <summary>
    /// Who owns which loopback address and port across all sections (Redis, Sentinels, proxies, the front door, the load
    /// balancer): the first to claim one keeps it, and a later claim is told who has it.
    /// </summary>
    private sealed class PortRegistry
    {
        private readonly Dictionary<(IPAddress Address, int Port), string> _owners = [];

        /// <summary>Gives <paramref name="address"/>:<paramref name="port"/> to <paramref name="owner"/>; null, or the problem when another has it already.</summary>
        public string? Claim(IPAddress address, int port, string owner)
        {
            if (_owners.TryGetValue((address, port), out var first))
            {
                return $"{owner} wants {address}:{port}, already taken by {first}; give one of them another port";
            }
            _owners[(address, port)] = owner;
            return null;
        }
    }
}
