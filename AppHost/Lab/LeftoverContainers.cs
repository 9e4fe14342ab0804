using Docker.DotNet;
using Docker.DotNet.Models;

namespace RedisHaLab.AppHost.Lab;

/// <summary>
/// The lab fixes its container names, and Docker would hand a new run an old container of the same name with its
/// old settings. So before a start, stopped leftovers of a crashed run are removed; running ones stop the start.
/// </summary>
internal static class LeftoverContainers
{
    public static async Task RemoveAsync(IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        using var docker = new DockerClientConfiguration().CreateClient();
        IList<ContainerListResponse> existing;
        try
        {
            existing = await docker.Containers.ListContainersAsync(new ContainersListParameters { All = true }, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or DockerApiException or TimeoutException or System.Net.Sockets.SocketException)
        {
            throw new LabNotStartedException("The Docker engine does not answer; start it with eng/setup.sh (or your usual Docker service) and run again.", e);
        }
        var leftovers = existing.Where(c => c.Names.Any(n => names.Contains(n.TrimStart('/')))).ToList();
        var running = leftovers.Where(c => c.State == "running").Select(c => c.Names[0].TrimStart('/')).ToList();
        if (running.Count > 0)
        {
            throw new LabNotStartedException(
                $"Lab containers are already running: {string.Join(", ", running)}. Another lab of this inventory is up; " +
                $"stop it (Ctrl+C in its terminal), or remove them with: docker rm -f {string.Join(" ", running)}");
        }
        foreach (var leftover in leftovers)
        {
            Console.WriteLine($"Removing leftover container {leftover.Names[0].TrimStart('/')} ({leftover.State}) from an earlier run.");
            await docker.Containers.RemoveContainerAsync(leftover.ID, new ContainerRemoveParameters { Force = true }, cancellationToken);
        }
    }
}


/// <summary>Why the lab could not start, found after the inventory was read; the AppHost says it and exits 2, no stack trace.</summary>
internal sealed class LabNotStartedException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The first of these in <paramref name="e"/> or its inner exceptions (start-up hooks arrive wrapped), or null.</summary>
    public static LabNotStartedException? In(Exception e) => e switch
    {
        LabNotStartedException found => found,
        AggregateException aggregate => aggregate.InnerExceptions.Select(In).FirstOrDefault(x => x is not null),
        _ when e.InnerException is { } inner => In(inner),
        _ => null,
    };
}
