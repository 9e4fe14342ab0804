using Docker.DotNet;
using Docker.DotNet.Models;

namespace RedisHaLab.Reconfig;

/// <summary>What <c>nutcracker -t</c> said about a config: passed or not, and its output for the log.</summary>
internal sealed record ConfigCheck(bool Passed, string Output);

/// <summary>The proxy's container, reached through the Docker API: check a config with its nutcracker, signal a reload.</summary>
/// <param name="docker">Docker client shared for the service's lifetime.</param>
/// <param name="name">The container's name, e.g. <c>node23-twemproxy</c>.</param>
/// <param name="configFolder">Where the host's config folder is mounted inside the container.</param>
internal sealed class ProxyContainer(IDockerClient docker, string name, string configFolder)
{
    /// <summary>The container's name.</summary>
    public string Name { get; } = name;

    /// <summary>
    /// Runs <c>nutcracker -t -c</c> on <paramref name="hostFile"/> inside the container, with the container's own
    /// nutcracker: the binary that will load the file is the one that judges it. One exec: create, start attached
    /// (its output ends when the process does), then read its exit code.
    /// </summary>
    public async Task<ConfigCheck> CheckConfigAsync(string hostFile, CancellationToken cancellationToken)
    {
        var containerFile = $"{configFolder.TrimEnd('/')}/{Path.GetFileName(hostFile)}";
        var exec = await docker.Exec.ExecCreateContainerAsync(Name, new ContainerExecCreateParameters
        {
            Cmd = ["nutcracker", "-t", "-c", containerFile],
            AttachStdout = true,
            AttachStderr = true,
        }, cancellationToken);
        string stdout, stderr;
        using (var stream = await docker.Exec.StartAndAttachContainerExecAsync(exec.ID, tty: false, cancellationToken))
        {
            (stdout, stderr) = await stream.ReadOutputToEndAsync(cancellationToken);
        }
        var result = await docker.Exec.InspectContainerExecAsync(exec.ID, cancellationToken);
        // The output can end a moment before the engine records the exit, and a running exec reports exit code 0:
        // only in that case ask again, briefly.
        for (var i = 0; result.Running && i < 50; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken);
            result = await docker.Exec.InspectContainerExecAsync(exec.ID, cancellationToken);
        }
        return new ConfigCheck(!result.Running && result.ExitCode == 0, (stdout + stderr).Trim());
    }

    /// <summary>Sends SIGHUP to the container's PID 1, the supervisor, which restarts nutcracker on the new file.</summary>
    public Task SignalReloadAsync(CancellationToken cancellationToken) =>
        docker.Containers.KillContainerAsync(Name, new ContainerKillParameters { Signal = "HUP" }, cancellationToken);

    /// <summary>True for the ways a Docker call fails when the engine or the container is not there.</summary>
    public static bool IsDockerFailure(Exception e) =>
        e is DockerApiException or HttpRequestException or TimeoutException or IOException or System.Net.Sockets.SocketException;
}
