using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace RedisHaLab.Chaos;

/// <summary>
/// Partitions: a container's cable to the lab network pulled out, then plugged back in. The cable is the host end of
/// the container's veth pair on the network Aspire's DCP created for the run (<c>aspire-session-network-*</c>); taking
/// it down cuts every packet to and from the container, published ports included, while the container keeps its
/// endpoint: its address, its name and the aliases Sentinel, the replicas and the proxy find it by.
/// </summary>
/// <remarks>
/// Not <c>docker network disconnect</c>: DCP's network reconciler puts a disconnected container back on the network
/// within a second (measured: 0.65 s), so a partition made that way heals itself before Sentinel even notices.
/// Needs root and iproute2's <c>ip</c> on the host, as the lab's set-up has.
/// </remarks>
public sealed class LabNetwork(IDockerClient docker)
{
    /// <summary>How DCP names the network of a run.</summary>
    public const string NetworkPrefix = "aspire-session-network";

    private const string HostInterfaces = "/sys/class/net";

    // A container keeps its veth pair until it stops, so the cable found for one start of it serves until the next.
    private readonly ConcurrentDictionary<string, (string StartedAt, string Cable)> _cables = new();

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

    /// <summary>The host end of the container's veth pair on the lab network, e.g. <c>veth3f2a1b0</c>.</summary>
    private async Task<string> CableAsync(string container, CancellationToken cancellationToken) =>
        await CableAsync(await docker.Containers.InspectContainerAsync(container, cancellationToken), cancellationToken);

    private async Task<string> CableAsync(ContainerInspectResponse inspect, CancellationToken cancellationToken)
    {
        var name = inspect.Name.TrimStart('/');
        if (!inspect.State.Running || inspect.State.Paused)
        {
            throw new ChaosException($"{name} is {inspect.State.Status}{(inspect.State.Paused ? " (frozen)" : "")}; only a running container can be cut off or reconnected");
        }
        if (_cables.TryGetValue(inspect.ID, out var known) && known.StartedAt == inspect.State.StartedAt)
        {
            return known.Cable;
        }
        var cable = await FindCableAsync(inspect, name, cancellationToken);
        _cables[inspect.ID] = (inspect.State.StartedAt, cable);
        return cable;
    }

    private async Task<string> FindCableAsync(ContainerInspectResponse inspect, string name, CancellationToken cancellationToken)
    {
        var endpoint = (inspect.NetworkSettings?.Networks ?? new Dictionary<string, EndpointSettings>())
            .FirstOrDefault(n => n.Key.StartsWith(NetworkPrefix, StringComparison.Ordinal)).Value
            ?? throw new ChaosException($"{name} is on no {NetworkPrefix}* network");
        // The container's side knows its peer's index (iflink); its interface on the lab network is the one with the
        // endpoint's MAC address.
        var interfaces = await ExecAsync(inspect.ID,
            ["sh", "-c", "for i in /sys/class/net/*; do echo \"$(cat $i/address) $(cat $i/iflink)\"; done"], cancellationToken);
        var peerIndex = interfaces.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .Where(fields => fields.Length == 2 && string.Equals(fields[0], endpoint.MacAddress, StringComparison.OrdinalIgnoreCase))
            .Select(fields => fields[1].Trim())
            .FirstOrDefault()
            ?? throw new ChaosException($"{name} has no interface with MAC {endpoint.MacAddress}; its interfaces: {interfaces.Trim()}");
        return Directory.EnumerateDirectories(HostInterfaces)
                   .FirstOrDefault(i => File.Exists(Path.Combine(i, "ifindex")) && File.ReadAllText(Path.Combine(i, "ifindex")).Trim() == peerIndex)
                   is { } hostInterface
            ? Path.GetFileName(hostInterface)
            : throw new ChaosException($"no host interface has index {peerIndex}, the peer of {name}'s; is this process in the Docker engine's network namespace?");
    }

    private static bool IsUp(string hostInterface)
    {
        var flags = File.ReadAllText(Path.Combine(HostInterfaces, hostInterface, "flags")).Trim();
        return (int.Parse(flags.Replace("0x", ""), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & 1) == 1;
    }

    private static async Task SetLinkAsync(string hostInterface, bool up, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("ip", ["link", "set", "dev", hostInterface, up ? "up" : "down"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new ChaosException("could not start 'ip'");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new ChaosException("a partition needs iproute2's 'ip' on the host (apt-get install iproute2)", e);
        }
        using (process)
        {
            var error = await process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                throw new ChaosException($"'ip link set dev {hostInterface} {(up ? "up" : "down")}' failed ({error.Trim()}); a partition needs root on the host");
            }
        }
    }

    private async Task<string> ExecAsync(string containerId, IList<string> command, CancellationToken cancellationToken)
    {
        var exec = await docker.Exec.ExecCreateContainerAsync(containerId,
            new ContainerExecCreateParameters { Cmd = command, AttachStdout = true, AttachStderr = true }, cancellationToken);
        using var stream = await docker.Exec.StartAndAttachContainerExecAsync(exec.ID, tty: false, cancellationToken);
        var (stdout, _) = await stream.ReadOutputToEndAsync(cancellationToken);
        return stdout;
    }
}
