using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Docker.DotNet;
using Docker.DotNet.Models;
using RedisHaLab.Probes;

namespace RedisHaLab.Faults;

/// <summary>
/// Partitions: a container's cable to the lab network pulled out, then plugged back in. The cable is the host end of
/// the container's veth pair on the network Aspire's DCP created for the run (<c>aspire-session-network-*</c>); taking
/// it down cuts every packet to and from the container, published ports included, while the container keeps its
/// endpoint: its address, its name and the aliases Sentinel, the replicas and the proxy find it by.
/// </summary>
/// <remarks>
/// <para>
/// Not <c>docker network disconnect</c>: DCP's network reconciler puts a disconnected container back on the network
/// within a second (measured: 0.65 s), so a partition made that way heals itself before Sentinel even notices.
/// Needs root and iproute2's <c>ip</c> on the host, as the lab's set-up has.
/// </para>
/// <para>
/// Root can take down any interface of the host, so this touches only one it has verified as the container's own
/// cable, and verifies it again before each change: a <c>veth</c> whose index the container's interface on the lab
/// network names as its peer (<c>iflink</c>, read inside the container), whose own peer is that interface, and which
/// is a port of the lab network's bridge. What the container says is only a claim; the host's side must agree.
/// </para>
/// </remarks>
public sealed partial class LabNetwork(IDockerClient docker) : ILabNetwork
{
    /// <summary>How DCP names the network of a run.</summary>
    public const string NetworkPrefix = "aspire-session-network";

    private const string HostInterfaces = "/sys/class/net";

    // A container keeps its veth pair until it stops, so the cable found for one start of it serves until the next.
    private readonly ConcurrentDictionary<string, (string StartedAt, Cable Cable)> _cables = new();

    /// <summary>Takes the container's cable to the lab network down.</summary>
    public async Task PartitionAsync(string container, CancellationToken cancellationToken) =>
        await SetLinkAsync(await CableAsync(container, cancellationToken), up: false, cancellationToken);

    /// <summary>Brings the container's cable back up; a container that is not cut off is left alone.</summary>
    public async Task HealAsync(string container, CancellationToken cancellationToken)
    {
        var cable = await CableAsync(container, cancellationToken);
        if (!IsUp(cable))
        {
            await SetLinkAsync(cable, up: true, cancellationToken);
        }
    }

    /// <summary>True when the container runs and its cable to the lab network is down.</summary>
    public async Task<bool> IsCutOffAsync(string container, CancellationToken cancellationToken)
    {
        var inspect = await docker.Containers.InspectContainerAsync(container, cancellationToken);
        // A container that is not running has no cable (a restart makes a new one); freezing it would block the exec.
        return inspect.State.Running && !inspect.State.Paused && !IsUp(await CableAsync(inspect, cancellationToken));
    }

    /// <summary>The host end of the container's veth pair on the lab network, e.g. <c>veth3f2a1b0</c>, verified.</summary>
    private async Task<Cable> CableAsync(string container, CancellationToken cancellationToken) =>
        await CableAsync(await docker.Containers.InspectContainerAsync(container, cancellationToken), cancellationToken);

    private async Task<Cable> CableAsync(ContainerInspectResponse inspect, CancellationToken cancellationToken)
    {
        var name = inspect.Name.TrimStart('/');
        if (!inspect.State.Running || inspect.State.Paused)
        {
            throw new ChaosException($"{name} is {inspect.State.Status}{(inspect.State.Paused ? " (frozen)" : "")}; only a running container can be cut off or reconnected");
        }
        if (_cables.TryGetValue(inspect.ID, out var known) && known.StartedAt == inspect.State.StartedAt)
        {
            // The host may have changed since (an interface deleted, its index reused): check again before any use.
            return VerifyCable(HostInterfaces, name, known.Cable.Peer, known.Cable.Bridge);
        }
        var cable = await FindCableAsync(inspect, name, cancellationToken);
        _cables[inspect.ID] = (inspect.State.StartedAt, cable);
        return cable;
    }

    private async Task<Cable> FindCableAsync(ContainerInspectResponse inspect, string name, CancellationToken cancellationToken)
    {
        var (networkName, endpoint) = (inspect.NetworkSettings?.Networks ?? new Dictionary<string, EndpointSettings>())
            .FirstOrDefault(n => n.Key.StartsWith(NetworkPrefix, StringComparison.Ordinal));
        if (endpoint is null)
        {
            throw new ChaosException($"{name} is on no {NetworkPrefix}* network");
        }
        var network = await docker.Networks.InspectNetworkAsync(string.IsNullOrEmpty(endpoint.NetworkID) ? networkName : endpoint.NetworkID, cancellationToken);
        if (network.Driver != "bridge")
        {
            throw new ChaosException($"the lab network {network.Name} uses Docker's '{network.Driver}' driver, not 'bridge'; a partition pulls a bridge port and cannot cut {name} off it");
        }
        // Docker names a network's bridge br-<first 12 characters of its ID> unless the network says otherwise.
        var bridge = network.Options?.TryGetValue("com.docker.network.bridge.name", out var named) is true && !string.IsNullOrEmpty(named)
            ? named
            : $"br-{network.ID[..12]}";
        // The container's side of the cable is its interface with the endpoint's MAC address.
        var interfaces = await ExecAsync(inspect.ID,
            ["sh", "-c", "for i in /sys/class/net/*; do echo \"${i##*/} $(cat $i/address) $(cat $i/ifindex) $(cat $i/iflink)\"; done"], cancellationToken);
        var peer = ContainerSide.Read(interfaces, endpoint.MacAddress)
                   ?? throw new ChaosException($"{name} has no interface with MAC {endpoint.MacAddress}; its interfaces: {interfaces.Trim()}");
        return VerifyCable(HostInterfaces, name, peer, bridge);
    }

    /// <summary>
    /// The host interface that is <paramref name="container"/>'s cable to the lab network, found under
    /// <paramref name="hostInterfaces"/> (the host's <c>/sys/class/net</c>) and verified from the host's side; throws
    /// rather than name any interface it cannot verify.
    /// </summary>
    /// <param name="hostInterfaces">The host's <c>/sys/class/net</c>.</param>
    /// <param name="container">The container, for messages.</param>
    /// <param name="peer">The container's interface on the lab network, as read inside the container.</param>
    /// <param name="bridge">The lab network's bridge on the host.</param>
    /// <exception cref="ChaosException">No host interface is verified as the container's cable.</exception>
    internal static Cable VerifyCable(string hostInterfaces, string container, ContainerSide peer, string bridge)
    {
        var host = Directory.EnumerateDirectories(hostInterfaces)
                       .FirstOrDefault(i => ReadNumber(Path.Combine(i, "ifindex")) == peer.PeerIndex)
                   ?? throw new ChaosException($"no host interface has index {peer.PeerIndex}, the peer {container}'s {peer.Name} names; " +
                                               "is this process in the Docker engine's network namespace?");
        var name = Path.GetFileName(host);
        var refusal = $"refusing to touch host interface {name} (index {peer.PeerIndex}), which {container}'s {peer.Name} names as its peer: ";
        if (!VethName().IsMatch(name))
        {
            throw new ChaosException(refusal + "it is not a veth, so it is not the host end of a container's cable");
        }
        if (ReadNumber(Path.Combine(host, "iflink")) != peer.Index)
        {
            throw new ChaosException(refusal + $"its own peer is not {peer.Name} (index {peer.Index})");
        }
        var master = ReadLinkName(Path.Combine(host, "master"));
        if (master != bridge)
        {
            throw new ChaosException(refusal + $"it is a port of {master ?? "no bridge"}, not of the lab network's bridge {bridge}");
        }
        return new Cable(name, peer, bridge);
    }

    private static bool IsUp(Cable cable)
    {
        var flags = File.ReadAllText(Path.Combine(HostInterfaces, cable.Name, "flags")).Trim();
        return (int.Parse(flags.Replace("0x", ""), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & 1) == 1;
    }

    private static Task SetLinkAsync(Cable cable, bool up, CancellationToken cancellationToken) =>
        HostCommand.RunAsync("ip", ["link", "set", "dev", cable.Name, up ? "up" : "down"],
            "a partition needs iproute2's 'ip' on the host (apt-get install iproute2)", cancellationToken);

    private async Task<string> ExecAsync(string containerId, IList<string> command, CancellationToken cancellationToken)
    {
        var exec = await docker.Exec.ExecCreateContainerAsync(containerId,
            new ContainerExecCreateParameters { Cmd = command, AttachStdout = true, AttachStderr = true }, cancellationToken);
        using var stream = await docker.Exec.StartAndAttachContainerExecAsync(exec.ID, tty: false, cancellationToken);
        var (stdout, _) = await stream.ReadOutputToEndAsync(cancellationToken);
        return stdout;
    }

    private static int? ReadNumber(string file) =>
        File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;

    private static string? ReadLinkName(string link) =>
        new FileInfo(link).LinkTarget is { } target ? Path.GetFileName(target) : null;

    // What Docker names the host end of a veth pair (veth + 7 hex digits), within Linux's 15 characters of a name.
    [GeneratedRegex(@"^veth[0-9A-Za-z]{1,11}\z")]
    private static partial Regex VethName();

    /// <summary>The container's interface on the lab network, as read inside it: its name, its index, and its peer's (<c>iflink</c>).</summary>
    internal sealed record ContainerSide(string Name, int Index, int PeerIndex)
    {
        /// <summary>The interface with <paramref name="mac"/> among <c>name address ifindex iflink</c> lines; null when none.</summary>
        public static ContainerSide? Read(string lines, string mac) =>
            lines.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(line => line.Split(' '))
                .Where(f => f.Length == 4 && string.Equals(f[1], mac, StringComparison.OrdinalIgnoreCase))
                .Select(f => int.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var index) &&
                             int.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out var peer)
                    ? new ContainerSide(f[0], index, peer)
                    : null)
                .FirstOrDefault();
    }

    /// <summary>A verified cable: the host end's name, the container's end, and the bridge it is a port of.</summary>
    internal sealed record Cable(string Name, ContainerSide Peer, string Bridge);
}
