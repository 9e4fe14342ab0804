using System.Net;
using System.Net.Sockets;
using Docker.DotNet;
using Docker.DotNet.Models;
using RedisHaLab.Probes;

namespace RedisHaLab.Faults;

/// <summary>
/// A partial partition: a container cut off from some of its peers (a master from its replicas and the Sentinels)
/// while everyone else (the proxy, the reconfig service, the host's published ports) still reaches it. That is the
/// split <c>min-replicas-to-write</c> exists for: the Sentinels promote a replica on their side while clients on the
/// other side keep writing to the old master, and those acknowledged writes are lost when it rejoins as a replica.
/// </summary>
/// <remarks>
/// <para>
/// Made with packet filter rules inside the container's own network namespace (entered through its process,
/// <c>nsenter -t PID -n iptables</c>): a chain of the lab's own that drops every packet from and to the peers'
/// addresses, jumped to from INPUT and OUTPUT. Both directions matter: a route alone (<c>blackhole</c>) stops only what
/// the container sends, and the replica's acknowledgements would still arrive and keep the master believing it has a
/// good replica. The rules live and die with the namespace, touch nothing of the host's, and the whole chain goes on
/// reconnect. A container whose namespace is the host's own is refused.
/// </para>
/// <para>Needs root and <c>nsenter</c> (util-linux) and <c>iptables</c> (a dependency of Debian's docker.io) on the host.</para>
/// </remarks>
internal sealed class PeerIsolation(IDockerClient docker, LabSite site)
{
    /// <summary>The lab's chain in the container's filter table; its existence is what "isolated" means.</summary>
    public const string Chain = "REDIS-HA-LAB-ISOLATION";

    private const string WhenMissing = "isolating a container needs util-linux's 'nsenter' and 'iptables' on the host (apt-get install iptables)";

    private readonly NamespaceChain _chain = new(docker, site, Chain, Undo, WhenMissing);

    /// <summary>Cuts <paramref name="container"/> off from every address of each of <paramref name="peers"/> (instance names).</summary>
    /// <exception cref="ChaosException">A container is not running, a peer has no address, or a rule could not be set.</exception>
    public async Task IsolateAsync(string container, IReadOnlyList<string> peers, CancellationToken cancellationToken)
    {
        var pid = await _chain.ProcessAsync(container, cancellationToken);
        var addresses = new List<IPAddress>();
        foreach (var peer in peers)
        {
            var inspect = await docker.Containers.InspectContainerAsync(await site.ContainerAsync(docker, peer, cancellationToken), cancellationToken);
            var own = AddressesOf(inspect);
            if (own.Count == 0)
            {
                throw new ChaosException($"{peer} has no IPv4 address on any network (is it running?); {container} was not isolated from it");
            }
            addresses.AddRange(own);
        }
        if (await _chain.ExistsAsync(pid, cancellationToken))
        {
            throw new ChaosException($"{container} is already isolated; reconnect it ('heal: ...') before isolating it again");
        }
        await _chain.SetAsync(pid, Rules(addresses), cancellationToken);
    }

    /// <summary>Takes the lab's rules out of <paramref name="container"/>'s namespace; true when there were any.</summary>
    public Task<bool> ReconnectAsync(string container, CancellationToken cancellationToken) => _chain.RemoveAsync(container, cancellationToken);

    /// <summary>True when <paramref name="container"/> runs, is not frozen, and holds the lab's isolation chain.</summary>
    public Task<bool> IsIsolatedAsync(string container, CancellationToken cancellationToken) => _chain.ExistsAsync(container, cancellationToken);

    /// <summary>
    /// The iptables commands that isolate from <paramref name="addresses"/>: the chain filled first, jumped to last, so
    /// the cut starts in the same instant for every peer.
    /// </summary>
    internal static IReadOnlyList<string[]> Rules(IEnumerable<IPAddress> addresses)
    {
        List<string[]> rules = [["iptables", "-w", "-N", Chain]];
        foreach (var address in addresses.Distinct())
        {
            var text = address.ToString();
            rules.Add(["iptables", "-w", "-A", Chain, "-s", text, "-j", "DROP"]);
            rules.Add(["iptables", "-w", "-A", Chain, "-d", text, "-j", "DROP"]);
        }
        rules.Add(["iptables", "-w", "-I", "INPUT", "1", "-j", Chain]);
        rules.Add(["iptables", "-w", "-I", "OUTPUT", "1", "-j", Chain]);
        return rules;
    }

    /// <summary>What <see cref="ReconnectAsync"/> runs: the jumps out first, so the cut ends at once, then the chain.</summary>
    internal static IReadOnlyList<string[]> Undo { get; } =
    [
        ["iptables", "-w", "-D", "INPUT", "-j", Chain],
        ["iptables", "-w", "-D", "OUTPUT", "-j", Chain],
        ["iptables", "-w", "-F", Chain],
        ["iptables", "-w", "-X", Chain],
    ];

    /// <summary>Every IPv4 address the container has on its networks (a Swarm task has one on the overlay and one on docker_gwbridge).</summary>
    internal static IReadOnlyList<IPAddress> AddressesOf(ContainerInspectResponse inspect) =>
        (inspect.NetworkSettings?.Networks?.Values ?? Enumerable.Empty<EndpointSettings>())
            .Select(n => IPAddress.TryParse(n.IPAddress, out var address) ? address : null)
            .OfType<IPAddress>()
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork)
            .Distinct()
            .ToList();
}
