using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace RedisHaLab.Topology;

/// <summary>
/// Which shard twemproxy sends a key to, computed as nutcracker does for <c>hash: fnv1a_64</c> and
/// <c>distribution: ketama</c> with equal weights: 160 points per server on a ring of 32-bit values (each MD5 of
/// <c>"&lt;server name&gt;-&lt;i&gt;"</c> gives four), a key going to the first point at or after its hash. A server's
/// name is its shard's when the inventory names servers, else <c>host:port</c> as it was at start. A prediction, which
/// the lab's write load checks against the running proxy before relying on it.
/// </summary>
public sealed class KetamaRing
{
    private const int PointsPerServer = 160;
    private const int PointsPerHash = 4;

    private readonly uint[] _values;
    private readonly int[] _owners;

    /// <summary>A ring of <paramref name="serverNames"/>, each of weight 1, in the config's order.</summary>
    public KetamaRing(IReadOnlyList<string> serverNames)
    {
        ArgumentOutOfRangeException.ThrowIfZero(serverNames.Count);
        var points = new List<(uint Value, int Owner)>(serverNames.Count * PointsPerServer);
        for (var s = 0; s < serverNames.Count; s++)
        {
            for (var i = 0; i < PointsPerServer / PointsPerHash; i++)
            {
                var digest = MD5.HashData(Encoding.ASCII.GetBytes($"{serverNames[s]}-{i}"));
                for (var a = 0; a < PointsPerHash; a++)
                {
                    // Four bytes of the digest, least significant first.
                    points.Add((BinaryPrimitives.ReadUInt32LittleEndian(digest.AsSpan(a * 4, 4)), s));
                }
            }
        }
        points.Sort((x, y) => x.Value.CompareTo(y.Value));
        _values = points.Select(p => p.Value).ToArray();
        _owners = points.Select(p => p.Owner).ToArray();
    }

    /// <summary>The ring of <paramref name="inventory"/>'s proxy as it starts; null when it hashes or distributes otherwise.</summary>
    public static KetamaRing? For(Inventory inventory) => ServerNames(inventory) is { } names ? new KetamaRing(names) : null;

    /// <summary>
    /// The names <paramref name="inventory"/>'s proxy hashes its servers by as it starts, in the inventory's shard order;
    /// null when it hashes or distributes otherwise. Given to a client that builds the same ring apart from the lab.
    /// </summary>
    public static IReadOnlyList<string>? ServerNames(Inventory inventory) =>
        inventory.Proxy.Hash == "fnv1a_64" && inventory.Proxy.Distribution == "ketama"
            ? inventory.Shards.Select(s => inventory.Proxy.ServerNaming == ProxyServerNaming.Shard ? s.Name : $"{s.Master.Name}:{s.Master.Port}").ToList()
            : null;

    /// <summary>The index (in config order, the inventory's shard order) of the server <paramref name="key"/> goes to.</summary>
    public int ServerOf(string key)
    {
        var hash = Fnv1a64(key);
        // The first point at or after the hash; past the last one, the ring wraps to the first.
        var at = Array.BinarySearch(_values, hash);
        if (at < 0)
        {
            at = ~at;
        }
        else
        {
            // Equal values: the first of them, as a lower-bound search finds it.
            while (at > 0 && _values[at - 1] == hash)
            {
                at--;
            }
        }
        return _owners[at == _values.Length ? 0 : at];
    }

    /// <summary>nutcracker's <c>fnv1a_64</c>: the 64-bit FNV-1a constants, computed in 32 bits (what it returns).</summary>
    public static uint Fnv1a64(string key)
    {
        unchecked
        {
            var hash = (uint)0xcbf29ce484222325UL;
            // Bytes as nutcracker sees them; the load's keys are ASCII, so C's signed char makes no difference.
            foreach (var b in Encoding.UTF8.GetBytes(key))
            {
                hash ^= b;
                hash *= (uint)0x100000001b3UL;
            }
            return hash;
        }
    }
}
