using System.Globalization;
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

    /// <summary>Cuts <paramref name="container"/> off from every address of each of <paramref name="peers"/> (instance names).</summary>
    /// <exception cref="ChaosException">A container is not running, a peer has no address, or a rule could not be set.</exception>
    public async Task IsolateAsync(string container, IReadOnlyList<string> peers, CancellationToken cancellationToken)
    {
        var pid = await NamespaceProcessAsync(container, cancellationToken);
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
        if (await IsIsolatedAsync(pid, cancellationToken))
        {
            throw new ChaosException($"{container} is already isolated; reconnect it ('heal: ...') before isolating it again");
        }
        try
        {
            foreach (var rule in Rules(addresses))
            {
                await RunAsync(pid, rule, cancellationToken);
            }
        }
        catch (ChaosException)
        {
            // Nothing half-made stays behind: a chain without its jumps would read as "isolated" to every later check.
            await UndoAsync(pid, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Takes the lab's rules out of <paramref name="container"/>'s namespace; true when there were any.</summary>
    public async Task<bool> ReconnectAsync(string container, CancellationToken cancellationToken)
    {
        var pid = await NamespaceProcessAsync(container, cancellationToken);
        if (!await IsIsolatedAsync(pid, cancellationToken))
        {
            return false;
        }
        await UndoAsync(pid, cancellationToken);
        return true;
    }

    /// <summary>
    /// Runs <see cref="Undo"/>; a jump or a chain already gone (an isolation that failed half-way) is no error. What
    /// must hold at the end is that the chain is gone.
    /// </summary>
    private static async Task UndoAsync(int pid, CancellationToken cancellationToken)
    {
        foreach (var rule in Undo)
        {
            try
            {
                await RunAsync(pid, rule, cancellationToken);
            }
            catch (HostCommandFailedException)
            {
                // Checked below.
            }
        }
        if (await IsIsolatedAsync(pid, cancellationToken))
        {
            throw new ChaosException($"the isolation chain {Chain} is still there after removing it (process {pid}); see 'nsenter -t {pid} -n iptables -S'");
        }
    }

    /// <summary>True when <paramref name="container"/> runs, is not frozen, and holds the lab's isolation chain.</summary>
    public async Task<bool> IsIsolatedAsync(string container, CancellationToken cancellationToken)
    {
        var inspect = await docker.Containers.InspectContainerAsync(await site.ContainerAsync(docker, container, cancellationToken), cancellationToken);
        return inspect.State.Running && !inspect.State.Paused && await IsIsolatedAsync(checked((int)inspect.State.Pid), cancellationToken);
    }

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

    /// <summary>The lab's chain is there: <c>iptables -S CHAIN</c> succeeds only for a chain that exists.</summary>
    private static async Task<bool> IsIsolatedAsync(int pid, CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync(pid, ["iptables", "-w", "-S", Chain], cancellationToken);
            return true;
        }
        catch (HostCommandFailedException)
        {
            return false;
        }
    }

    /// <summary>The process whose network namespace is the container's, refused when that namespace is the host's.</summary>
    private async Task<int> NamespaceProcessAsync(string container, CancellationToken cancellationToken)
    {
        var inspect = await docker.Containers.InspectContainerAsync(await site.ContainerAsync(docker, container, cancellationToken), cancellationToken);
        return ContainerNamespace.ProcessOf(container, inspect);
    }

    private static Task<string> RunAsync(int pid, string[] command, CancellationToken cancellationToken) =>
        HostCommand.RunAsync("nsenter", ["-t", pid.ToString(CultureInfo.InvariantCulture), "-n", .. command], WhenMissing, cancellationToken);
}
