using System.Diagnostics;
using System.Text;
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

    /// <summary>
    /// What the engine says of the container named <paramref name="name"/>: its state and its last
    /// <paramref name="lastLines"/> lines of output; null when no container has that name.
    /// </summary>
    Task<ContainerReport?> ReportAsync(string name, int lastLines, CancellationToken cancellationToken);
}

/// <summary>A container's report, or why the engine gave none: what a failure report prints either way.</summary>
/// <param name="Report">The engine's report; null when no container has the name, or when the engine did not answer.</param>
/// <param name="EngineProblem">Why the engine did not answer (its error, a broken socket, no answer in time); null when it did.</param>
public sealed record ContainerReportOrReason(ContainerReport? Report, string? EngineProblem)
{
    /// <summary>One line: the report, "no such container", or what kept the engine from answering.</summary>
    public override string ToString() => EngineProblem is { } problem ? $"the engine did not report it ({problem})" : Report?.ToString() ?? "no such container";
}

/// <summary>What every failure report asks of an <see cref="IContainerList"/>.</summary>
public static class ContainerListReports
{
    /// <summary>
    /// <see cref="IContainerList.ReportAsync"/> bounded to <paramref name="within"/>, with an engine that fails to answer
    /// (an API error, a broken socket, no answer in time) turned into a reason: a report written because something
    /// already failed must not fail too, nor hide the first failure behind its own exception.
    /// </summary>
    public static async Task<ContainerReportOrReason> ReportOrReasonAsync(this IContainerList containers, string name, int lastLines, TimeSpan within)
    {
        using var asking = new CancellationTokenSource(within);
        try
        {
            return new(await containers.ReportAsync(name, lastLines, asking.Token), null);
        }
        catch (Exception e) when (e is Docker.DotNet.DockerApiException or HttpRequestException or IOException or OperationCanceledException)
        {
            return new(null, e.Message);
        }
    }
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

    public async Task<ContainerReport?> ReportAsync(string name, int lastLines, CancellationToken cancellationToken)
    {
        ContainerInspectResponse inspected;
        try
        {
            inspected = await _docker.Containers.InspectContainerAsync(name, cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }
        using var logs = await _docker.Containers.GetContainerLogsAsync(inspected.ID, tty: false,
            new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Tail = lastLines.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            cancellationToken);
        // Frame by frame, as the engine sends them: its standard output and error stay in the order they were written
        // (reading each stream to its end would give all of one, then all of the other).
        var output = new StringBuilder();
        var decoder = Encoding.UTF8.GetDecoder();
        var bytes = new byte[8192];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
        for (var read = await logs.ReadOutputAsync(bytes, 0, bytes.Length, cancellationToken); !read.EOF;
             read = await logs.ReadOutputAsync(bytes, 0, bytes.Length, cancellationToken))
        {
            output.Append(chars, 0, decoder.GetChars(bytes, 0, read.Count, chars, 0));
        }
        var state = inspected.State;
        return new ContainerReport(state.Status, state.ExitCode, state.Error, inspected.RestartCount, state.OOMKilled,
            [.. output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(lastLines)]);
    }

    public void Dispose() => _docker.Dispose();
}

/// <summary>
/// A container as the engine reports it when a lab's start fails: its status (running, exited...), the exit code and
/// error the engine recorded, how often it restarted it, and the last lines of its output.
/// </summary>
public sealed record ContainerReport(string Status, long ExitCode, string? Error, long Restarts, bool OomKilled, IReadOnlyList<string> LastLines)
{
    /// <summary>One line a reader can act on, e.g. "engine: exited, exit code 1, restarted 2 times; last output: ...".</summary>
    public override string ToString()
    {
        var facts = new List<string> { $"engine: {Status}" };
        if (Status != "running" || ExitCode != 0)
        {
            facts.Add($"exit code {ExitCode}");
        }
        if (OomKilled)
        {
            facts.Add("killed out of memory");
        }
        if (!string.IsNullOrWhiteSpace(Error))
        {
            facts.Add($"error '{Error.Trim()}'");
        }
        if (Restarts > 0)
        {
            facts.Add($"restarted {Restarts} time{(Restarts == 1 ? "" : "s")}");
        }
        var output = LastLines.Count == 0 ? "no output" : $"last output: {string.Join(" | ", LastLines)}";
        return $"{string.Join(", ", facts)}; {output}";
    }
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
