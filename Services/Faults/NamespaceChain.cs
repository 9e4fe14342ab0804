using System.Globalization;
using Docker.DotNet;
using RedisHaLab.Probes;

namespace RedisHaLab.Faults;

/// <summary>
/// A chain of the lab's own in a container's filter table, set and taken away from the host inside the container's
/// network namespace (<c>nsenter -t PID -n iptables</c>): the rules live and die with the namespace and touch nothing of
/// the host's, and the chain's existence is what "the fault is in place" means. The faults made of packet filter
/// rules (<see cref="PeerIsolation"/>, <see cref="MachineResolverCut"/>) each own one, with their rules.
/// </summary>
/// <param name="docker">The engine the containers run on.</param>
/// <param name="site">Where the lab runs: how a container is found.</param>
/// <param name="name">The chain's name.</param>
/// <param name="undo">
/// The commands that take the chain away: the jumps out first, so the fault ends at once, then the chain. Run in full
/// on a rule that fails half-way, so nothing half-made stays behind (a chain without its jumps would read as "in place").
/// </param>
/// <param name="whenMissing">What to say when <c>nsenter</c> or <c>iptables</c> is not on the host.</param>
internal sealed class NamespaceChain(IDockerClient docker, LabSite site, string name, IReadOnlyList<string[]> undo, string whenMissing)
{
    /// <summary>The process whose network namespace is the container's (verified running, not frozen, not the host's).</summary>
    /// <exception cref="ChaosException">It is not running, frozen, or in the host's namespace.</exception>
    public async Task<int> ProcessAsync(string container, CancellationToken cancellationToken)
    {
        var inspect = await docker.Containers.InspectContainerAsync(await site.ContainerAsync(docker, container, cancellationToken), cancellationToken);
        return ContainerNamespace.ProcessOf(container, inspect);
    }

    /// <summary>Runs <paramref name="rules"/> in order in the namespace of <paramref name="pid"/>; on a failure, takes away what was made, then throws.</summary>
    /// <exception cref="ChaosException">A rule could not be set.</exception>
    public async Task SetAsync(int pid, IEnumerable<string[]> rules, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var rule in rules)
            {
                await RunAsync(pid, rule, cancellationToken);
            }
        }
        catch (ChaosException)
        {
            await RemoveAsync(pid, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Takes the chain out of <paramref name="container"/>'s namespace; true when it was there.</summary>
    /// <exception cref="ChaosException">The container is not running, or the chain is still there afterwards.</exception>
    public async Task<bool> RemoveAsync(string container, CancellationToken cancellationToken)
    {
        var pid = await ProcessAsync(container, cancellationToken);
        if (!await ExistsAsync(pid, cancellationToken))
        {
            return false;
        }
        await RemoveAsync(pid, cancellationToken);
        return true;
    }

    /// <summary>
    /// Runs the undo commands; a jump or a chain already gone (a fault that failed half-way) is no error. What must hold
    /// at the end is that the chain is gone.
    /// </summary>
    /// <exception cref="ChaosException">The chain is still there.</exception>
    public async Task RemoveAsync(int pid, CancellationToken cancellationToken)
    {
        foreach (var command in undo)
        {
            try
            {
                await RunAsync(pid, command, cancellationToken);
            }
            catch (HostCommandFailedException)
            {
                // Checked below.
            }
        }
        if (await ExistsAsync(pid, cancellationToken))
        {
            throw new ChaosException($"the chain {name} is still there after removing it (process {pid}); see 'nsenter -t {pid} -n iptables -S'");
        }
    }

    /// <summary>The chain is there: <c>iptables -S CHAIN</c> succeeds only for a chain that exists.</summary>
    public async Task<bool> ExistsAsync(int pid, CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync(pid, ["iptables", "-w", "-S", name], cancellationToken);
            return true;
        }
        catch (HostCommandFailedException)
        {
            return false;
        }
    }

    /// <summary>True when <paramref name="container"/> runs, is not frozen, and holds the chain.</summary>
    public async Task<bool> ExistsAsync(string container, CancellationToken cancellationToken)
    {
        var inspect = await docker.Containers.InspectContainerAsync(await site.ContainerAsync(docker, container, cancellationToken), cancellationToken);
        return inspect.State.Running && !inspect.State.Paused && await ExistsAsync(checked((int)inspect.State.Pid), cancellationToken);
    }

    private Task<string> RunAsync(int pid, IReadOnlyList<string> command, CancellationToken cancellationToken) =>
        HostCommand.RunAsync("nsenter", ["-t", pid.ToString(CultureInfo.InvariantCulture), "-n", .. command], whenMissing, cancellationToken);
}
