using System.Collections.Concurrent;
using System.Diagnostics;

namespace RedisHaLab.ClientMatrix;

/// <summary>
/// One client of the matrix, running as a process of this machine (a .NET client under <c>dotnet</c>, a container
/// client under <c>docker run</c>): its standard output read as operations, its standard input closed to stop it.
/// </summary>
/// <remarks>
/// Containers run through Docker's command line, not its API: the client's standard input must stay attached for the
/// whole run, so that closing it stops the client, which is what <c>docker run -i</c> does.
/// </remarks>
internal sealed class ClientProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<ClientOperation> _operations = new();
    private readonly ConcurrentQueue<string> _otherOutput = new();
    private readonly string? _container;

    private ClientProcess(Process process, string? container)
    {
        _process = process;
        _container = container;
    }

    /// <summary>What the client printed as operations so far.</summary>
    public IReadOnlyList<ClientOperation> Operations => [.. _operations];

    /// <summary>The client's last lines that were not operations (its errors), for the report of a client that failed.</summary>
    public string OtherOutput => string.Join(" | ", _otherOutput.TakeLast(5));

    /// <summary>Starts <paramref name="command"/> with <paramref name="environment"/>.</summary>
    /// <param name="container">The container's name when the command is <c>docker run</c>, so that it is removed whatever happens.</param>
    public static ClientProcess Start(IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment, string? container)
    {
        var start = new ProcessStartInfo(command[0], command.Skip(1))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{command[0]} did not start");
        var client = new ClientProcess(process, container);
        process.OutputDataReceived += (_, e) => client.Take(e.Data);
        process.ErrorDataReceived += (_, e) => client.Take(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return client;
    }

    private void Take(string? line)
    {
        if (line is null)
        {
            return;
        }
        if (ClientOperation.FromLine(line) is { } operation)
        {
            _operations.Enqueue(operation);
        }
        else if (!string.IsNullOrWhiteSpace(line))
        {
            _otherOutput.Enqueue(line);
            while (_otherOutput.Count > 50)
            {
                _otherOutput.TryDequeue(out _);
            }
        }
    }

    /// <summary>Closes the client's standard input and waits for it to finish its requests and exit (killed after <paramref name="within"/>).</summary>
    public async Task StopAsync(TimeSpan within)
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // It has exited already.
        }
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        // Lets the output readers reach the end of what was printed.
        await _process.WaitForExitAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }
        if (_container is not null)
        {
            // docker run --rm removes it once it exits; a client killed mid-run may leave it behind.
            using var remove = Process.Start(new ProcessStartInfo("docker", ["rm", "-f", _container]) { RedirectStandardOutput = true, RedirectStandardError = true });
            await remove!.WaitForExitAsync(CancellationToken.None);
        }
        _process.Dispose();
    }
}

/// <summary>A client of the matrix that cannot be built, started or served, saying which and why.</summary>
public sealed class MatrixClientException(string message) : Exception(message);
