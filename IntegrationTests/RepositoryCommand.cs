using System.Diagnostics;
using System.Text;

namespace RedisHaLab.IntegrationTests;

/// <summary>Runs a program (a script of the repository's, the docker CLI) from the repository root, bounded in time.</summary>
internal static class RepositoryCommand
{
    /// <summary>
    /// Runs <paramref name="program"/>, its output into the test's as it comes; returns its standard output. Fails the
    /// test when it exits with another code than 0 or outlasts <paramref name="within"/> (then it is killed).
    /// </summary>
    public static async Task<string> RunAsync(string program, string[] arguments, TimeSpan within, bool echo = true)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var output = new StringBuilder();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
            if (echo) TestContext.Out.WriteLine(e.Data);
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) TestContext.Out.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Path.GetFileName(program)} {string.Join(' ', arguments)} did not end within {within.TotalMinutes:0.#} min");
        }
        // The output's last lines may still be on their way to the handlers once the process has exited: the
        // parameterless wait returns only after both streams reached their end (seen: an inspect read back as "").
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, $"{Path.GetFileName(program)} {string.Join(' ', arguments)} failed; its output is above");
        lock (output) return output.ToString();
    }

    /// <summary>eng/swarm.sh with <paramref name="arguments"/>.</summary>
    public static Task<string> SwarmAsync(TimeSpan within, params string[] arguments) =>
        RunAsync(Path.Combine(Repository.Root, "eng", "swarm.sh"), arguments, within);
}
