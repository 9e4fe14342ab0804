using System.Collections.Concurrent;
using System.Diagnostics;
using Docker.DotNet;

namespace RedisHaLab.Faults;

/// <summary>
/// Partitions on a Swarm stack: every interface of the container but loopback taken down inside the container's own
/// network namespace (entered through its process, <c>nsenter -t PID -n</c>), then brought up again with the routes
/// it had. That cuts the overlay (Sentinels, replicas, the proxy) and docker_gwbridge (its host-mode ports) alike,
/// while the task keeps running with its address and name.
/// </summary>
/// <remarks>
/// The Aspire lab's way, the host end of a veth on a bridge (<see cref="LabNetwork"/>), does not fit an overlay: its
/// veth's other end lives in the overlay's own namespace, not the host's. Taking links down inside the container's
/// namespace touches nothing of the host's; this refuses a container whose namespace is the host's own (network
/// mode host), so a host interface is never what goes down. Needs root and <c>nsenter</c>/<c>ip</c> on the host.
/// </remarks>
/// <param name="onlyLink">
/// The one link to cut, or null for every link but loopback. A host's engine (<see cref="HostsLabSite"/>) is cut at
/// its link to the other hosts only: its own bridges and its containers' links stay up, as on a host whose cable
/// was pulled.
/// </param>
internal sealed class SwarmNetwork(IDockerClient docker, LabSite site, string? onlyLink = null) : ILabNetwork
{
    // Routes of a container before its links went down (a link going down drops its routes): restored on heal.
    private readonly ConcurrentDictionary<string, string[]> _routes = new();

    public async Task PartitionAsync(string container, CancellationToken cancellationToken)
    {
        var (id, pid) = await ProcessAsync(container, cancellationToken);
        var routes = (await RunAsync(pid, ["ip", "route", "show"], cancellationToken))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(r => !r.Contains("proto kernel", StringComparison.Ordinal))
            .ToArray();
        _routes[id] = routes;
        foreach (var link in await LinksAsync(pid, cancellationToken))
        {
            await RunAsync(pid, ["ip", "link", "set", "dev", link.Name, "down"], cancellationToken);
        }
    }

    public async Task HealAsync(string container, CancellationToken cancellationToken)
    {
        var (id, pid) = await ProcessAsync(container, cancellationToken);
        var links = await LinksAsync(pid, cancellationToken);
        if (links.All(l => l.Up))
        {
            return;
        }
        foreach (var link in links.Where(l => !l.Up))
        {
            await RunAsync(pid, ["ip", "link", "set", "dev", link.Name, "up"], cancellationToken);
        }
        foreach (var route in _routes.TryRemove(id, out var saved) ? saved : [])
        {
            await RunAsync(pid, ["ip", "route", "replace", .. route.Split(' ', StringSplitOptions.RemoveEmptyEntries)], cancellationToken);
        }
    }

    public async Task<bool> IsCutOffAsync(string container, CancellationToken cancellationToken)
    {
        var inspect = await docker.Containers.InspectContainerAsync(await site.ContainerAsync(docker, container, cancellationToken), cancellationToken);
        if (!inspect.State.Running || inspect.State.Paused)
        {
            return false;
        }
        return (await LinksAsync(checked((int)inspect.State.Pid), cancellationToken)).Any(l => !l.Up);
    }

    private async Task<(string Id, int Pid)> ProcessAsync(string container, CancellationToken cancellationToken)
    {
        var inspect = await docker.Containers.InspectContainerAsync(await site.ContainerAsync(docker, container, cancellationToken), cancellationToken);
        return (inspect.ID, ContainerNamespace.ProcessOf(container, inspect));
    }

    /// <summary>The container's links but loopback, each with whether it is up (<c>ip -o link show</c>).</summary>
    private async Task<IReadOnlyList<(string Name, bool Up)>> LinksAsync(int pid, CancellationToken cancellationToken) =>
        (await RunAsync(pid, ["ip", "-o", "link", "show"], cancellationToken))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(ParseLink)
            .Where(l => onlyLink is null ? l.Name != "lo" : l.Name == onlyLink)
            .ToList();

    /// <summary>One line of <c>ip -o link show</c>: <c>12: eth0@if13: &lt;BROADCAST,MULTICAST,UP,LOWER_UP&gt; mtu ...</c>.</summary>
    internal static (string Name, bool Up) ParseLink(string line)
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var name = fields[1].TrimEnd(':').Split('@')[0];
        var flags = fields[2].Trim('<', '>').Split(',');
        return (name, flags.Contains("UP"));
    }

    private static Task<string> RunAsync(int pid, string[] command, CancellationToken cancellationToken) =>
        HostCommand.RunAsync("nsenter", ["-t", pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "-n", .. command],
            "a partition on Swarm needs util-linux's 'nsenter' and iproute2's 'ip' on the host", cancellationToken);
}
