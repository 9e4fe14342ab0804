using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace RedisHaLab.StartupBenchmark;

/// <summary>
/// The engine's floor: what the fastest start of the lab's Redis containers could be on this machine, measured in the
/// same run as the lab. Nine plain containers of the lab's Redis image (as many as the post's lab has Redis and Sentinel
/// processes), created and started at once, each publishing its port on 127.0.0.1, until every one answers PING from
/// the host. No network of their own, no bind mount, no health check, no order: what Docker alone costs.
/// </summary>
internal sealed class EngineFloor(DockerClient docker, string image)
{
    /// <summary>How many containers the floor starts.</summary>
    public const int Containers = 9;

    /// <summary>First host port (127.0.0.1 only), apart from every port an inventory of the lab uses.</summary>
    private const int FirstPort = 16400;

    private const string NamePrefix = "redis-ha-lab-floor-";

    /// <summary>The bound of one measurement: past it the floor is reported as not reached.</summary>
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    /// <summary>Starts the nine containers, waits until each answers PING, removes them; the seconds from the first request to the last PONG.</summary>
    public async Task<double> MeasureAsync(CancellationToken cancellationToken)
    {
        await RemoveAsync(cancellationToken);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(Within);
        var clock = Stopwatch.StartNew();
        try
        {
            await Task.WhenAll(Enumerable.Range(0, Containers).Select(i => StartOneAsync(i, clock, bound.Token)));
            return clock.Elapsed.TotalSeconds;
        }
        finally
        {
            await RemoveAsync(CancellationToken.None);
        }
    }

    private async Task StartOneAsync(int index, Stopwatch clock, CancellationToken cancellationToken)
    {
        var port = FirstPort + index;
        var created = await docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = NamePrefix + index,
            Image = image,
            Entrypoint = ["redis-server"],
            Cmd = ["--port", "6379", "--protected-mode", "no", "--save", ""],
            ExposedPorts = new Dictionary<string, EmptyStruct> { ["6379/tcp"] = default },
            HostConfig = new HostConfig
            {
                PortBindings = new Dictionary<string, IList<PortBinding>>
                {
                    ["6379/tcp"] = [new PortBinding { HostIP = "127.0.0.1", HostPort = port.ToString(System.Globalization.CultureInfo.InvariantCulture) }],
                },
            },
        }, cancellationToken);
        await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancellationToken);
        await WaitForPongAsync(port, cancellationToken);
    }

    /// <summary>Asks 127.0.0.1:<paramref name="port"/> for PING every 20 ms until it answers PONG.</summary>
    internal static async Task WaitForPongAsync(int port, CancellationToken cancellationToken)
    {
        while (!await PingAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken))
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>One PING in RESP on a fresh socket, bounded to 200 ms; true on +PONG.</summary>
    internal static async Task<bool> PingAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(TimeSpan.FromMilliseconds(200));
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(endpoint, budget.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("*1\r\n$4\r\nPING\r\n"u8.ToArray(), budget.Token);
            using var reader = new StreamReader(stream);
            return await reader.ReadLineAsync(budget.Token) == "+PONG";
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private Task RemoveAsync(CancellationToken cancellationToken) => RemoveContainersAsync(docker, NamePrefix, cancellationToken);

    /// <summary>Removes, running or not, every container whose name starts with <paramref name="namePrefix"/>.</summary>
    internal static async Task RemoveContainersAsync(DockerClient docker, string namePrefix, CancellationToken cancellationToken)
    {
        var existing = await docker.Containers.ListContainersAsync(new ContainersListParameters { All = true }, cancellationToken);
        await Task.WhenAll(existing
            .Where(c => c.Names.Any(n => n.TrimStart('/').StartsWith(namePrefix, StringComparison.Ordinal)))
            .Select(c => docker.Containers.RemoveContainerAsync(c.ID, new ContainerRemoveParameters { Force = true }, cancellationToken)));
    }
}
