using Docker.DotNet;
using RedisHaLab.Probes;

namespace RedisHaLab.Faults;

/// <summary>
/// The machine's resolver gone silent for the lab: every DNS query a container sends past its own loopback is dropped,
/// in the container's own network namespace (<c>nsenter -t PID -n iptables</c>), so nothing of the host changes.
/// Docker's embedded DNS sends the names it does not know to the container's DNS servers from inside that namespace,
/// so it is cut too; what answers on the container's loopback (the lab's own resolver) is not.
/// </summary>
/// <remarks>
/// What a slow or unreachable resolver does to a CI machine under load, made on purpose: before the lab had its own
/// resolver, a dead master's name then took 20 s to look up, the Sentinels froze on it and the shard was never failed
/// over. Needs root, <c>nsenter</c> and <c>iptables</c> on the host, as <see cref="PeerIsolation"/> does.
/// </remarks>
internal sealed class MachineResolverCut(IDockerClient docker, LabSite site)
{
    /// <summary>The lab's chain in the container's filter table; its existence is what "cut" means.</summary>
    public const string Chain = "REDIS-HA-LAB-RESOLVER";

    private const string WhenMissing = "cutting a container off from the machine's resolver needs util-linux's 'nsenter' and 'iptables' on the host (apt-get install iptables)";

    /// <summary>The chain filled first (DNS over UDP and TCP dropped), jumped to last, for every packet not on loopback.</summary>
    internal static IReadOnlyList<string[]> Rules { get; } =
    [
        ["iptables", "-w", "-N", Chain],
        ["iptables", "-w", "-A", Chain, "-p", "udp", "--dport", "53", "-j", "DROP"],
        ["iptables", "-w", "-A", Chain, "-p", "tcp", "--dport", "53", "-j", "DROP"],
        ["iptables", "-w", "-I", "OUTPUT", "1", "!", "-o", "lo", "-j", Chain],
    ];

    /// <summary>The jump out first, so the cut ends at once, then the chain.</summary>
    internal static IReadOnlyList<string[]> Undo { get; } =
    [
        ["iptables", "-w", "-D", "OUTPUT", "!", "-o", "lo", "-j", Chain],
        ["iptables", "-w", "-F", Chain],
        ["iptables", "-w", "-X", Chain],
    ];

    private readonly NamespaceChain _chain = new(docker, site, Chain, Undo, WhenMissing);

    /// <summary>Cuts <paramref name="container"/> off from the machine's resolver.</summary>
    /// <exception cref="ChaosException">It is not running, is cut already, or a rule could not be set (nothing stays half-made).</exception>
    public async Task CutAsync(string container, CancellationToken cancellationToken)
    {
        var pid = await _chain.ProcessAsync(container, cancellationToken);
        if (await _chain.ExistsAsync(pid, cancellationToken))
        {
            throw new ChaosException($"{container} is already cut off from the machine's resolver");
        }
        await _chain.SetAsync(pid, Rules, cancellationToken);
    }

    /// <summary>True when <paramref name="container"/> runs, is not frozen, and is cut off from the machine's resolver.</summary>
    public Task<bool> IsCutAsync(string container, CancellationToken cancellationToken) => _chain.ExistsAsync(container, cancellationToken);

    /// <summary>Gives <paramref name="container"/> the machine's resolver back; true when it was cut off from it.</summary>
    public Task<bool> RestoreAsync(string container, CancellationToken cancellationToken) => _chain.RemoveAsync(container, cancellationToken);
}
