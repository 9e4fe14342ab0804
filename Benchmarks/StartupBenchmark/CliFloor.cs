using System.Diagnostics;
using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace RedisHaLab.StartupBenchmark;

/// <summary>
/// A second reference beside <see cref="EngineFloor"/>: the same nine containers started the way Aspire's orchestrator
/// drives the engine, on a network of their own (each with its name as an alias, so the others could reach it by name)
/// and through the docker command line, one <c>docker create</c> and one <c>docker start</c> process per container, all
/// at once, until every one answers PING from the host. The gap between the two floors is the engine's price for a
/// named network and for a command line in place of its API; the gap from here to the lab is the orchestrator's own.
/// </summary>
internal sealed class CliFloor(DockerClient docker, string image)
{
    /// <summary>First host port (127.0.0.1 only), apart from the engine floor's and every port an inventory of the lab uses.</summary>
    private const int FirstPort = 16420;

    private const string NamePrefix = "redis-ha-lab-clifloor-";
    private const string Network = "redis-ha-lab-clifloor";

    /// <summary>The bound of one measurement.</summary>
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(90);

    /// <summary>Starts the nine containers, waits until each answers PING, removes them; the seconds from the first command to the last PONG.</summary>
    public async Task<double> MeasureAsync(CancellationToken cancellationToken)
    {
        await RemoveAsync(CancellationToken.None);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(Within);
        // The network exists before the clock starts: the orchestrator makes its one network once per lab, not per container.
        await docker.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = Network }, bound.Token);
        var clock = Stopwatch.StartNew();
        try
        {
            await Task.WhenAll(Enumerable.Range(0, EngineFloor.Containers).Select(i => StartOneAsync(i, bound.Token)));
            return clock.Elapsed.TotalSeconds;
        }
        finally
        {
            await RemoveAsync(CancellationToken.None);
        }
    }

    private async Task StartOneAsync(int index, CancellationToken cancellationToken)
    {
        var name = NamePrefix + index;
        var port = (FirstPort + index).ToString(CultureInfo.InvariantCulture);
        await DockerAsync(["create", "--name", name, "--network", Network, "--network-alias", name, "-p", $"127.0.0.1:{port}:6379",
            "--entrypoint", "redis-server", image, "--port", "6379", "--protected-mode", "no", "--save", ""], cancellationToken);
        await DockerAsync(["start", name], cancellationToken);
        await EngineFloor.WaitForPongAsync(FirstPort + index, cancellationToken);
    }

    /// <summary>One docker command (the CLI on PATH); throws with its error output when it fails.</summary>
    private static async Task DockerAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("docker did not start");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }
        await output;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"docker {arguments[0]} exited with {process.ExitCode}: {(await error).Trim()}");
        }
    }

    private async Task RemoveAsync(CancellationToken cancellationToken)
    {
        await EngineFloor.RemoveContainersAsync(docker, NamePrefix, cancellationToken);
        var networks = await docker.Networks.ListNetworksAsync(new NetworksListParameters(), cancellationToken);
        foreach (var network in networks.Where(n => n.Name == Network))
        {
            await docker.Networks.DeleteNetworkAsync(network.ID, cancellationToken);
        }
    }
}
