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

    /// <summary>Cuts <paramref name="container"/> off from the machine's resolver.</summary>
    /// <exception cref="ChaosException">It is not running, is cut already, or a rule could not be set (nothing stays half-made).</exception>
    public async Task CutAsync(string container, CancellationToken cancellationToken)
    {
        var pid = await ProcessAsync(container, cancellationToken);
        if (await IsCutAsync(pid, cancellationToken))
        {
            throw new ChaosException($"{container} is already cut off from the machine's resolver");
        }
        try
        {
            foreach (var rule in Rules)
            {
                await RunAsync(pid, rule, cancellationToken);
            }
        }
        catch (ChaosException)
        {
            await UndoAsync(pid, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Gives <paramref name="container"/> the machine's resolver back; true when it was cut off from it.</summary>
    public async Task<bool> RestoreAsync(string container, CancellationToken cancellationToken)
    {
        var pid = await ProcessAsync(container, cancellationToken);
        if (!await IsCutAsync(pid, cancellationToken))
        {
            return false;
        }
        await UndoAsync(pid, cancellationToken);
        return true;
    }

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
                // A jump or chain already gone (a cut that failed half-way) is no error; what must hold is checked below.
            }
        }
        if (await IsCutAsync(pid, cancellationToken))
        {
            throw new ChaosException($"the chain {Chain} is still there after removing it (process {pid}); see 'nsenter -t {pid} -n iptables -S'");
        }
    }

    private async Task<int> ProcessAsync(string container, CancellationToken cancellationToken)
    {
        var inspect = await docker.Containers.InspectContainerAsync(await site.ContainerAsync(docker, container, cancellationToken), cancellationToken);
        return ContainerNamespace.ProcessOf(container, inspect);
    }

    private static async Task<bool> IsCutAsync(int pid, CancellationToken cancellationToken)
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

    private static Task<string> RunAsync(int pid, IReadOnlyList<string> command, CancellationToken cancellationToken) =>
        HostCommand.RunAsync("nsenter", ["-t", pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "-n", .. command], WhenMissing, cancellationToken);
}
