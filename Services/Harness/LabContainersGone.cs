using System.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace RedisHaLab.Harness;

/// <summary>One container as the engine lists it: its id and its names (Docker writes each with a leading '/').</summary>
public sealed record ListedContainer(string Id, IReadOnlyList<string> Names);

/// <summary>The engine's containers, as much of them as waiting for a stopped lab needs: listed, and removed by id.</summary>
public interface IContainerList
{
    /// <summary>Every container, running or not.</summary>
    Task<IReadOnlyList<ListedContainer>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Removes the container <paramref name="id"/>, running or not.</summary>
    Task RemoveAsync(string id, CancellationToken cancellationToken);
}

/// <summary>The local Docker engine's containers.</summary>
public sealed class DockerContainerList : IContainerList, IDisposable
{
    private readonly DockerClient _docker = new DockerClientConfiguration().CreateClient();

    public async Task<IReadOnlyList<ListedContainer>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await _docker.Containers.ListContainersAsync(new ContainersListParameters { All = true }, cancellationToken))
            .Select(c => new ListedContainer(c.ID, [.. c.Names]))];

    public Task RemoveAsync(string id, CancellationToken cancellationToken) =>
        _docker.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true }, cancellationToken);

    public void Dispose() => _docker.Dispose();
}

/// <summary>
/// Waits until no container of a stopped lab exists. The orchestrator removes them on its own time, possibly after the
/// process that stopped the lab is gone, and the next start of the same lab (the next test fixture, profile or
/// round) takes the same names; so a stop ends only once they are gone, and what is still there after the bound is
/// removed by name. The names are the lab's own: fixed by its inventory and its lab index, one lab per index.
/// </summary>
public static class LabContainersGone
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Polls <paramref name="containers"/> until none is named one of <paramref name="names"/>; after
    /// <paramref name="within"/>, removes those still there, telling <paramref name="note"/> each as it goes.
    /// </summary>
    /// <returns>The names of the containers it removed; empty when they all went by themselves.</returns>
    public static async Task<IReadOnlyList<string>> WaitAsync(IContainerList containers, IReadOnlyList<string> names, TimeSpan within,
        Action<string>? note = null, TimeSpan? poll = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var left = (await containers.ListAsync(CancellationToken.None))
                .Select(c => (c.Id, Name: c.Names.Select(n => n.TrimStart('/')).FirstOrDefault(names.Contains)))
                .Where(c => c.Name is not null)
                .ToList();
            if (left.Count == 0)
            {
                return [];
            }
            if (clock.Elapsed >= within)
            {
                foreach (var (id, name) in left)
                {
                    note?.Invoke($"removing {name}, still there {within.TotalSeconds:0} s after the stop");
                    await containers.RemoveAsync(id, CancellationToken.None);
                }
                return [.. left.Select(c => c.Name!)];
            }
            await Task.Delay(poll ?? Poll);
        }
    }
}
