using System.Diagnostics;
using RedisHaLab.Probes;

namespace RedisHaLab.Faults;

/// <summary>A program run on the host for a fault (<c>ip</c>, <c>nsenter</c>): its output, or a chaos error that says what was missing.</summary>
internal static class HostCommand
{
    /// <summary>Runs <paramref name="program"/> with <paramref name="arguments"/> and returns what it printed.</summary>
    /// <param name="program">The program, found on PATH.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="whenMissing">What to say when the program is not on the host.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <exception cref="ChaosException">It is missing, or it failed (most likely for want of root).</exception>
    public static async Task<string> RunAsync(string program, IReadOnlyList<string> arguments, string whenMissing, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new ChaosException($"could not start '{program}'");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new ChaosException(whenMissing, e);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = await process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                throw new HostCommandFailedException($"'{program} {string.Join(' ', arguments)}' failed ({error.Trim()}); a network fault needs root on the host");
            }
            return await output;
        }
    }
}

/// <summary>A host program of a fault ran and failed (exit status not 0); some callers ask a question that way.</summary>
internal sealed class HostCommandFailedException(string message) : ChaosException(message);

/// <summary>The process a host program enters a container's network namespace through (<c>nsenter -t PID -n</c>).</summary>
internal static class ContainerNamespace
{
    /// <summary>
    /// The container's main process, once it is verified to run, not frozen, in a network namespace of its own: one that
    /// is the host's (network mode host) is refused, so what a fault changes there is never the host's.
    /// </summary>
    /// <exception cref="ChaosException">It is not running, frozen, or in the host's namespace.</exception>
    public static int ProcessOf(string container, Docker.DotNet.Models.ContainerInspectResponse inspect)
    {
        if (!inspect.State.Running || inspect.State.Paused)
        {
            throw new ChaosException($"{container} is {inspect.State.Status}{(inspect.State.Paused ? " (frozen)" : "")}; only a running container can be cut off or reconnected");
        }
        var pid = checked((int)inspect.State.Pid);
        var own = new FileInfo($"/proc/{pid}/ns/net").LinkTarget;
        var host = new FileInfo("/proc/1/ns/net").LinkTarget;
        if (own is null || own == host)
        {
            throw new ChaosException($"refusing to change {container}'s network: its namespace ({own ?? "unreadable"}) is the host's own");
        }
        return pid;
    }
}
