using System.Diagnostics;

namespace RedisHaLab.ClientMatrix;

/// <summary>
/// Makes every client of the matrix ready to start before the lab does: each .NET project is built once per
/// StackExchange.Redis version into a folder of its own under the lab's state folder (<c>.lab/client-matrix/</c>), and
/// each container image must be on this machine (<see cref="CheckImagesAsync"/>: nothing can be pulled).
/// </summary>
internal static class ClientBuilds
{
    /// <summary>Where the builds go, under the repository's own (ignored) state folder.</summary>
    public static string Folder(string repositoryRoot) => Path.Combine(repositoryRoot, ".lab", "client-matrix");

    /// <summary>Each client's command, in the order of <paramref name="clients"/>.</summary>
    /// <exception cref="MatrixClientException">A build failed, saying which client and why.</exception>
    public static async Task<IReadOnlyList<Func<string, IReadOnlyList<string>>>> PrepareAsync(IReadOnlyList<MatrixClient> clients, string repositoryRoot,
        TextWriter progress, CancellationToken cancellationToken)
    {
        var built = new Dictionary<(string, string?), string>();
        var commands = new List<Func<string, IReadOnlyList<string>>>();
        foreach (var client in clients)
        {
            switch (client.Run)
            {
                case ClientLaunch.DotNet dotnet:
                    if (!built.TryGetValue((dotnet.Project, dotnet.StackExchangeRedis), out var entry))
                    {
                        entry = await BuildAsync(client, dotnet, repositoryRoot, progress, cancellationToken);
                        built[(dotnet.Project, dotnet.StackExchangeRedis)] = entry;
                    }
                    commands.Add(_ => ["dotnet", entry]);
                    break;
                case ClientLaunch.Container container:
                    var mount = container.Mount is null ? [] : new[] { "-v", $"{Path.Combine(repositoryRoot, MatrixFile.Folder, container.Mount)}:/client:ro" };
                    commands.Add(name => ["docker", "run", "--rm", "-i", "--network", "host", "--name", name, .. mount,
                        .. ClientEnvironment.Names.SelectMany(n => new[] { "-e", n }), container.Image, .. container.Command]);
                    break;
            }
        }
        return commands;
    }

    /// <summary>
    /// Checks that every container client's image is on this machine; called once the lab has started, since the
    /// lab's first start builds its own images (the redis-cli client runs in the lab's Redis image).
    /// </summary>
    /// <exception cref="MatrixClientException">An image is missing, saying which client's.</exception>
    public static async Task CheckImagesAsync(IReadOnlyList<MatrixClient> clients, CancellationToken cancellationToken)
    {
        foreach (var client in clients)
        {
            if (client.Run is ClientLaunch.Container container)
            {
                var (code, output) = await RunAsync(["docker", "image", "inspect", "--format", "{{.Id}}", container.Image], cancellationToken);
                if (code != 0)
                {
                    throw new MatrixClientException($"client '{client.Name}': image {container.Image} is not on this machine ({output.Trim()}); build it first (nothing can be pulled)");
                }
            }
        }
    }

    private static async Task<string> BuildAsync(MatrixClient client, ClientLaunch.DotNet dotnet, string repositoryRoot, TextWriter progress, CancellationToken cancellationToken)
    {
        var slug = $"{Path.GetFileNameWithoutExtension(dotnet.Project)}-{dotnet.StackExchangeRedis ?? "own"}";
        var folder = Path.Combine(Folder(repositoryRoot), slug);
        await progress.WriteLineAsync($"building {dotnet.Project}{(dotnet.StackExchangeRedis is { } v ? $" against StackExchange.Redis {v}" : "")} into {Path.GetRelativePath(repositoryRoot, folder)}");
        List<string> build = ["dotnet", "build", Path.Combine(repositoryRoot, dotnet.Project), "-c", "Release", "-nologo", "-v", "quiet",
            $"-p:BaseIntermediateOutputPath={folder}/obj/", "-o", Path.Combine(folder, "bin")];
        if (dotnet.StackExchangeRedis is { } version)
        {
            build.Add($"-p:RedisClientVersion={version}");
        }
        var (code, output) = await RunAsync(build, cancellationToken);
        if (code != 0)
        {
            throw new MatrixClientException($"client '{client.Name}': the build failed:\n{output.Trim()}");
        }
        // The entry point is the assembly with a runtime config beside it.
        var runtimeConfig = Directory.GetFiles(Path.Combine(folder, "bin"), "*.runtimeconfig.json").SingleOrDefault()
                            ?? throw new MatrixClientException($"client '{client.Name}': {dotnet.Project} built no program (no *.runtimeconfig.json); is it OutputType Exe?");
        return runtimeConfig[..^".runtimeconfig.json".Length] + ".dll";
    }

    private static async Task<(int Code, string Output)> RunAsync(IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        using var process = Process.Start(new ProcessStartInfo(command[0], command.Skip(1))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output + await errors);
    }
}
