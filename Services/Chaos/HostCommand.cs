using System.Diagnostics;

namespace RedisHaLab.Chaos;

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
                throw new ChaosException($"'{program} {string.Join(' ', arguments)}' failed ({error.Trim()}); a partition needs root on the host");
            }
            return await output;
        }
    }
}
