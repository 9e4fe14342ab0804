using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using RedisHaLab.Probes;

namespace RedisHaLab.Faults;

/// <summary>The fault actions that are a signal or a state change of one container, by its name, through the Docker API.</summary>
/// <param name="docker">The local Docker engine.</param>
/// <param name="frozenWhole">Containers whose PID 1 is not the process a pause is meant for; a pause freezes them whole.</param>
/// <param name="site">Where the lab runs: which Docker container an instance's name means now, and how one comes back.</param>
public sealed class LabContainers(IDockerClient docker, IReadOnlyCollection<string> frozenWhole, LabSite? site = null)
{
    private readonly LabSite _site = site ?? LabSite.Aspire;

    private Task<string> ContainerAsync(string instance, CancellationToken cancellationToken) => _site.ContainerAsync(docker, instance, cancellationToken);

    // Redis saves its data on SIGTERM; with the lab's small data sets that takes well under this.
    private const uint StopGraceSeconds = 10;

    /// <summary>The longest a clean stop takes: the grace period before SIGKILL.</summary>
    public static TimeSpan StopGrace { get; } = TimeSpan.FromSeconds(StopGraceSeconds);

    /// <summary>How long a killed container's process may take to be gone before the kill counts as failed.</summary>
    public static TimeSpan KillWithin { get; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// SIGKILL to the container: its process dies at once, as in the post's <c>kill</c>. Returns once that container
    /// no longer runs. A container already down stays down.
    /// </summary>
    /// <exception cref="ChaosException">The container still runs <see cref="KillWithin"/> after the signal.</exception>
    public async Task KillAsync(string container, CancellationToken cancellationToken)
    {
        // The very container signalled is the one checked: on Swarm the service's newest task may already be a new one.
        var id = await ContainerAsync(container, cancellationToken);
        try
        {
            await docker.Containers.KillContainerAsync(id, new ContainerKillParameters { Signal = "KILL" }, cancellationToken);
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            // Already dead is the state asked for (a node kill may find some of its instances down); anything else is not.
            if ((await docker.Containers.InspectContainerAsync(id, cancellationToken)).State.Running)
            {
                throw;
            }
        }
        // Docker's answer says the signal was sent, not that the process is gone: a fault the lab reports as staged
        // must be one it saw take effect (a playbook step after it, or a restart, counts on that).
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await docker.Containers.InspectContainerAsync(id, cancellationToken)).State.Running)
        {
            if (clock.Elapsed > KillWithin)
            {
                throw new ChaosException($"{container} still runs {KillWithin.TotalSeconds:0} s after SIGKILL; the engine did not stop it");
            }
            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>A clean stop: SIGTERM, and SIGKILL if the process has not exited after a grace period.</summary>
    public async Task StopAsync(string container, CancellationToken cancellationToken) =>
        await docker.Containers.StopContainerAsync(await ContainerAsync(container, cancellationToken), new ContainerStopParameters { WaitBeforeKillSeconds = StopGraceSeconds }, cancellationToken);

    /// <summary>Starts a killed or stopped container with its settings and network as they were; a running one is left alone.</summary>
    public Task StartAsync(string container, CancellationToken cancellationToken) =>
        _site.StartAsync(docker, container, cancellationToken);

    /// <summary>
    /// Alive but silent. Redis and Sentinel get SIGSTOP: their PID 1 is the server itself. The proxy's PID 1 is a
    /// supervisor, and stopping it alone would leave nutcracker serving, so its whole container is frozen instead; so is
    /// the reconfig service's, whatever starts it there (a freeze stops every process of a container alike).
    /// </summary>
    public async Task PauseAsync(string container, CancellationToken cancellationToken)
    {
        var id = await ContainerAsync(container, cancellationToken);
        await (frozenWhole.Contains(container)
            ? docker.Containers.PauseContainerAsync(id, cancellationToken)
            : docker.Containers.KillContainerAsync(id, new ContainerKillParameters { Signal = "STOP" }, cancellationToken));
    }

    /// <summary>Undoes <see cref="PauseAsync"/>: SIGCONT, and a thaw for a frozen container.</summary>
    public async Task ResumeAsync(string container, CancellationToken cancellationToken)
    {
        var state = await StateAsync(container, cancellationToken);
        var id = await ContainerAsync(container, cancellationToken);
        if (state.Paused)
        {
            await docker.Containers.UnpauseContainerAsync(id, cancellationToken);
        }
        if (state.Running)
        {
            // SIGCONT to a process that is not stopped does nothing, so this is safe to send whatever happened.
            await docker.Containers.KillContainerAsync(id, new ContainerKillParameters { Signal = "CONT" }, cancellationToken);
        }
    }

    /// <summary>
    /// True when a process of the running container is stopped by a signal (state <c>T</c> in <c>ps</c>): Docker itself
    /// still calls such a container running, so this is how a SIGSTOP shows.
    /// </summary>
    public async Task<bool> IsSignalStoppedAsync(string container, CancellationToken cancellationToken)
    {
        var top = await docker.Containers.ListProcessesAsync(await ContainerAsync(container, cancellationToken), new ContainerListProcessesParameters { PsArgs = "-o pid,stat" }, cancellationToken);
        var stat = top.Titles.IndexOf("STAT");
        return stat >= 0 && top.Processes.Any(p => p[stat].StartsWith('T'));
    }

    /// <summary>True when the container's process runs (paused or not).</summary>
    public async Task<bool> IsRunningAsync(string container, CancellationToken cancellationToken) =>
        (await StateAsync(container, cancellationToken)).Running;

    /// <summary>Docker's view of the container: running, frozen, exited.</summary>
    public async Task<ContainerState> StateAsync(string container, CancellationToken cancellationToken) =>
        (await docker.Containers.InspectContainerAsync(await ContainerAsync(container, cancellationToken), cancellationToken)).State;
}
