using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace RedisHaLab.ClientMatrix;

/// <summary>How a client reaches the lab.</summary>
public enum ClientPath
{
    /// <summary>Through the front door (twemproxy, or HAProxy before several), as the proxy's connection string says.</summary>
    FrontDoor,

    /// <summary>Straight to a shard's master, following its Sentinels from the host through the lab's address map.</summary>
    Sentinels,
}

/// <summary>One client of the matrix, as <c>ClientMatrix/clients.yml</c> lists it.</summary>
/// <param name="Name">What the report calls it.</param>
/// <param name="Path">How it reaches the lab.</param>
/// <param name="Shard">The shard a Sentinel-aware client follows (null on the front door).</param>
/// <param name="Run">How it is built and started.</param>
public sealed record MatrixClient(string Name, ClientPath Path, string? Shard, ClientLaunch Run);

/// <summary>How a client is built and started.</summary>
public abstract record ClientLaunch
{
    /// <summary>A .NET project, built once into a folder of its own and run with <c>dotnet</c>.</summary>
    /// <param name="Project">Its project file, under the repository.</param>
    /// <param name="StackExchangeRedis">The StackExchange.Redis version it is built against (property <c>RedisClientVersion</c>), or null for its own.</param>
    public sealed record DotNet(string Project, string? StackExchangeRedis) : ClientLaunch;

    /// <summary>A container image, run on the host's network with <paramref name="Command"/>.</summary>
    /// <param name="Image">The image (local: nothing is pulled).</param>
    /// <param name="Command">Its command.</param>
    /// <param name="Mount">A folder under <c>ClientMatrix/</c> mounted read-only at <c>/client</c>, or null.</param>
    public sealed record Container(string Image, IReadOnlyList<string> Command, string? Mount) : ClientLaunch;
}

/// <summary>The matrix: its playbooks (under <c>ClientMatrix/scenarios/</c>) and its clients.</summary>
public sealed partial record MatrixFile(IReadOnlyList<string> Scenarios, IReadOnlyList<MatrixClient> Clients)
{
    /// <summary>The matrix's folder under the repository.</summary>
    public const string Folder = "ClientMatrix";

    /// <summary>The lab's own .NET client, built per StackExchange.Redis version (<c>dotnet: 2.8.16</c>).</summary>
    public const string ProbeProject = "ClientMatrix/Probe/ClientProbe.csproj";

    /// <summary>The matrix with only the named playbooks and clients (null: all of them).</summary>
    /// <exception cref="MatrixFileException">A name the matrix does not have.</exception>
    public MatrixFile Only(IReadOnlyList<string>? scenarios, IReadOnlyList<string>? clients)
    {
        if (scenarios?.FirstOrDefault(s => !Scenarios.Contains(s)) is { } scenario)
        {
            throw new MatrixFileException($"--scenarios: '{scenario}' is not a playbook of the matrix ({string.Join(", ", Scenarios)})");
        }
        if (clients?.FirstOrDefault(c => Clients.All(k => k.Name != c)) is { } client)
        {
            throw new MatrixFileException($"--clients: '{client}' is not a client of the matrix ({string.Join(", ", Clients.Select(c => c.Name))})");
        }
        return new MatrixFile(
            scenarios is null ? Scenarios : [.. Scenarios.Where(scenarios.Contains)],
            clients is null ? Clients : [.. Clients.Where(c => clients.Contains(c.Name))]);
    }

    /// <summary>Reads and checks <paramref name="path"/>; <paramref name="shown"/> is how messages name it.</summary>
    /// <exception cref="MatrixFileException">What is wrong, with the file, the line and the fix.</exception>
    public static MatrixFile Load(string repositoryRoot, string path, string shown)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException e)
        {
            throw new MatrixFileException($"{shown}: cannot be read ({e.Message})");
        }
        return Parse(repositoryRoot, text, shown);
    }

    /// <summary>Parses and checks a matrix file's text.</summary>
    /// <exception cref="MatrixFileException">What is wrong, with the file, the line and the fix.</exception>
    public static MatrixFile Parse(string repositoryRoot, string text, string shown)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new MatrixFileException($"{shown} line {e.Start.Line}: not YAML ({e.Message})");
        }
        if (stream.Documents.FirstOrDefault()?.RootNode is not YamlMappingNode root)
        {
            throw new MatrixFileException($"{shown}: expected a mapping with 'scenarios:' and 'clients:'");
        }
        var reader = new Reader(shown);
        reader.OnlyKeys(root, "scenarios", "clients");
        var scenarios = reader.Strings(reader.Required(root, "scenarios"), "scenarios");
        foreach (var (scenario, line) in scenarios)
        {
            if (!SafeName().IsMatch(scenario) || !File.Exists(System.IO.Path.Combine(repositoryRoot, Folder, "scenarios", scenario)))
            {
                throw reader.At(line, $"scenario '{scenario}' is not a file of {Folder}/scenarios/; name one that is there (e.g. kill-master-g1.yml)");
            }
        }
        if (reader.Required(root, "clients") is not YamlSequenceNode list || list.Children.Count == 0)
        {
            throw reader.At(root.Start.Line, "'clients:' must list at least one client");
        }
        var clients = new List<MatrixClient>();
        foreach (var node in list.Children)
        {
            var client = reader.Client(node, repositoryRoot);
            if (clients.Any(c => string.Equals(c.Name, client.Name, StringComparison.OrdinalIgnoreCase)))
            {
                throw reader.At(node.Start.Line, $"a second client named '{client.Name}'; give each client its own name");
            }
            clients.Add(client);
        }
        return new MatrixFile([.. scenarios.Select(s => s.Value)], clients);
    }

    // A file name of the scenarios folder: no folder, no '..'.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*\.yml\z")]
    private static partial Regex SafeName();

    // A folder name under ClientMatrix/.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_-]*\z")]
    private static partial Regex SafeFolder();

    // A NuGet version as the served list writes them.
    [GeneratedRegex(@"^[0-9]+\.[0-9]+\.[0-9]+\z")]
    private static partial Regex Version();

    private sealed class Reader(string shown)
    {
        public MatrixFileException At(long line, string message) => new($"{shown} line {line}: {message}");

        public YamlNode Required(YamlMappingNode map, string key) =>
            map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : throw At(map.Start.Line, $"'{key}:' is missing");

        public string? Optional(YamlMappingNode map, string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var node)
            ? node is YamlScalarNode { Value: { Length: > 0 } value } ? value : throw At(node.Start.Line, $"'{key}:' takes one word")
            : null;

        public void OnlyKeys(YamlMappingNode map, params string[] keys)
        {
            foreach (var key in map.Children.Keys)
            {
                if (key is not YamlScalarNode { Value: { } name } || !keys.Contains(name))
                {
                    throw At(key.Start.Line, $"'{key}' is not a key here; the keys are {string.Join(", ", keys)}");
                }
            }
        }

        public List<(string Value, long Line)> Strings(YamlNode node, string key) => node is YamlSequenceNode list
            ? [.. list.Children.Select(c => c is YamlScalarNode { Value: { Length: > 0 } v } ? (v, c.Start.Line) : throw At(c.Start.Line, $"each of '{key}' is one word"))]
            : throw At(node.Start.Line, $"'{key}:' takes a list");

        public MatrixClient Client(YamlNode node, string repositoryRoot)
        {
            if (node is not YamlMappingNode map)
            {
                throw At(node.Start.Line, "each client is a mapping (name:, path:, and dotnet:, project: or image:)");
            }
            OnlyKeys(map, "name", "path", "shard", "dotnet", "project", "image", "command", "mount");
            var name = Optional(map, "name") ?? throw At(map.Start.Line, "a client needs 'name:'");
            var path = Optional(map, "path") switch
            {
                null or "front-door" => ClientPath.FrontDoor,
                "sentinels" => ClientPath.Sentinels,
                var other => throw At(map.Start.Line, $"client '{name}': path '{other}' is neither front-door nor sentinels"),
            };
            var shard = Optional(map, "shard");
            if (shard is not null && path != ClientPath.Sentinels)
            {
                throw At(map.Start.Line, $"client '{name}': 'shard:' is for a client that follows a shard's Sentinels (path: sentinels)");
            }
            var (dotnet, project, image) = (Optional(map, "dotnet"), Optional(map, "project"), Optional(map, "image"));
            if (new[] { dotnet, project, image }.Count(v => v is not null) != 1)
            {
                throw At(map.Start.Line, $"client '{name}' needs exactly one of 'dotnet: <StackExchange.Redis version>', 'project: <.csproj>' or 'image: <local image>'");
            }
            ClientLaunch run;
            if (image is not null)
            {
                if (path != ClientPath.FrontDoor)
                {
                    throw At(map.Start.Line, $"client '{name}': a container client reaches the front door only (it gets LAB_HOST and LAB_PORT); make it path: front-door");
                }
                var command = map.Children.TryGetValue(new YamlScalarNode("command"), out var given)
                    ? Strings(given, "command").Select(c => c.Value).ToList()
                    : throw At(map.Start.Line, $"client '{name}': an image client needs 'command:' (a list)");
                var mount = Optional(map, "mount");
                if (mount is not null && (!SafeFolder().IsMatch(mount) || !Directory.Exists(System.IO.Path.Combine(repositoryRoot, Folder, mount))))
                {
                    throw At(map.Start.Line, $"client '{name}': mount '{mount}' is not a folder of {Folder}/; name one that is there (e.g. redis-cli)");
                }
                run = new ClientLaunch.Container(image, command, mount);
            }
            else
            {
                if (dotnet is not null && !Version().IsMatch(dotnet))
                {
                    throw At(map.Start.Line, $"client '{name}': dotnet '{dotnet}' is not a StackExchange.Redis version (e.g. 2.8.16)");
                }
                var file = project ?? ProbeProject;
                var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(repositoryRoot, file));
                if (!full.StartsWith(System.IO.Path.GetFullPath(repositoryRoot) + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal)
                    || !full.EndsWith(".csproj", StringComparison.Ordinal) || !File.Exists(full))
                {
                    throw At(map.Start.Line, $"client '{name}': project '{file}' is not a .csproj under the repository");
                }
                run = new ClientLaunch.DotNet(file, dotnet);
            }
            return new MatrixClient(name, path, path == ClientPath.Sentinels ? shard ?? "g1" : null, run);
        }
    }
}

/// <summary>A matrix file that cannot be used, with the file, the line and the fix.</summary>
public sealed class MatrixFileException(string message) : Exception(message);
