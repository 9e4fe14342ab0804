using System.Globalization;
using RedisHaLab.Topology;
using RedisHaLab.Topology.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace RedisHaLab.Swarm;

/// <summary>A file of a published stack: its path under the output folder and its text.</summary>
public sealed record StackFile(string RelativePath, string Text);

/// <summary>
/// The lab of an inventory as a Swarm stack (compose format 3.8): one service per part of the lab's model
/// (<see cref="LabModel"/>, the AppHost's source too), placed on its inventory node by that node's label, the load
/// balancer on every node; all on one overlay network, plus the files the services mount (rendered by the same
/// renderers as the Aspire lab). Pure: <see cref="Files"/> is everything the publisher writes.
/// </summary>
/// <remarks>
/// Swarm's configs and secrets are read-only, and Sentinel rewrites its config (Redis too, on CONFIG REWRITE): each
/// part's container starts with <c>lab-start</c> (<c>containers/swarm/lab-start</c>, shipped as a config), which
/// copies its rendered files where the part reads them (into its volume, unless an earlier start of the service left
/// one there), then runs the part's command. Each proxy's conf folder is a volume it shares with its own reconfig
/// service, the only thing they share, as in the Aspire lab: no Docker socket anywhere.
/// </remarks>
public sealed class SwarmStack
{
    /// <summary>Where the stack's configs (and secrets' sources) appear inside the containers.</summary>
    public const string ConfigFolder = "/etc/redis-ha-lab";

    /// <summary>Where Swarm mounts secrets (a file that holds the password is a secret, not a config).</summary>
    public const string SecretFolder = "/run/secrets";

    /// <summary>The stack file's name in the output folder.</summary>
    public const string StackFileName = "stack.yml";

    /// <summary>
    /// The facts <c>eng/swarm.sh</c> needs (stack name, node labels, images, ports), in the output folder: <c>KEY=value</c>
    /// lines the script reads as data, each key and value checked against the form it may take; never run by a shell.
    /// </summary>
    public const string EnvironmentFileName = "swarm.env";

    /// <summary>How <see cref="EnvironmentFileName"/> begins (publishes made before <see cref="MarkerFileName"/> are known by it).</summary>
    public const string EnvironmentHeader = "# Written by the AppHost's Swarm publisher";

    /// <summary>The file that marks a folder as a publish, so that a later publish replaces that folder and no other.</summary>
    public const string MarkerFileName = ".redis-ha-lab-stack";

    /// <summary>The start script's name as a config.</summary>
    public const string StartScriptName = "lab-start";

    private const string PasswordSecret = "redis-password";

    private readonly Inventory _inventory;
    private readonly LabModel _model;
    private readonly IReadOnlyDictionary<string, int> _hostPorts;
    private readonly StackImages _images;
    private readonly string? _password;
    private readonly string _stack;
    private readonly YamlMappingNode _configs = new();
    private readonly YamlMappingNode _secrets = new();
    private readonly YamlMappingNode _volumes = new();
    private readonly List<StackFile> _files = [];

    /// <param name="inventory">The lab.</param>
    /// <param name="images">The image references, as the AppHost tags them.</param>
    /// <param name="startScript">The text of <c>containers/swarm/lab-start</c>.</param>
    /// <param name="password">The lab's password when the inventory turns authentication on, else null.</param>
    /// <param name="stack">The stack's name (services are <c>&lt;stack&gt;_&lt;instance&gt;</c> to Swarm).</param>
    public SwarmStack(Inventory inventory, StackImages images, string startScript, string? password, string stack = SwarmNames.DefaultStack)
    {
        if (SwarmNames.StackProblem(stack) is { } problem)
        {
            throw new SwarmPublishException(problem);
        }
        _inventory = inventory;
        _model = LabModel.Of(inventory);
        _hostPorts = SwarmHostPorts.All(inventory).ToDictionary(p => p.Instance, p => p.HostPort);
        _images = images;
        _password = password;
        _stack = stack;
        AddFile(StartScriptName, startScript, secret: false);
        Files = [new StackFile(StackFileName, Render(BuildStack())), .. _files, new StackFile(EnvironmentFileName, RenderEnvironment()),
            new StackFile(MarkerFileName, "A Docker Swarm stack of the Redis HA Lab, published by its AppHost; a later publish to this folder replaces it whole.\n")];
    }

    /// <summary>Everything to write: the stack file first, then the files it refers to, then <see cref="EnvironmentFileName"/> and the marker.</summary>
    public IReadOnlyList<StackFile> Files { get; }

    /// <summary>The stack file's text.</summary>
    public string StackYaml => Files[0].Text;

    private YamlMappingNode BuildStack()
    {
        var services = new YamlMappingNode();
        foreach (var part in _model.Parts)
        {
            services.Add(part.Name, ServiceOf(part));
        }

        var root = new YamlMappingNode
        {
            { "version", Quoted("3.8") },
            { "services", services },
            {
                "networks", new YamlMappingNode
                {
                    {
                        SwarmNames.Network, new YamlMappingNode
                        {
                            { "driver", "overlay" },
                            // Attachable: a one-off container (redis-cli, a debugging shell) may join the lab's network.
                            { "attachable", "true" },
                        }
                    },
                }
            },
            { "volumes", _volumes },
        };
        if (_configs.Children.Count > 0)
        {
            root.Add("configs", _configs);
        }
        if (_secrets.Children.Count > 0)
        {
            root.Add("secrets", _secrets);
        }
        return root;
    }

    /// <summary>
    /// A part as a service: the start script copies its rendered files from their (read-only) configs or secrets to
    /// where the part reads them, waits for the names it waits for, then runs the part's command.
    /// </summary>
    private YamlMappingNode ServiceOf(LabPart part)
    {
        var start = new List<string>();
        var configs = new YamlSequenceNode(Reference(StartScriptName, $"{ConfigFolder}/{StartScriptName}"));
        var secrets = new YamlSequenceNode();
        foreach (var file in part.Files)
        {
            if (file.Render is null)
            {
                // An input file (the inventory): the same text for every part that reads it, at its path, as it is.
                var name = Path.GetFileName(file.InputPath!);
                if (!_configs.Children.ContainsKey(new YamlScalarNode(name)))
                {
                    // Read again as the loader read it: the file could have been swapped for a pipe or a device since.
                    var text = InputFile.ReadText(file.InputPath!, "the inventory the stack was built from", out var problem)
                               ?? throw new SwarmPublishException($"{file.InputPath}:1: {problem}");
                    AddFile(name, text, secret: false);
                }
                configs.Add(Reference(name, file.ContainerPath));
                continue;
            }
            var secret = _password is not null && file.CarriesPassword;
            var source = AddFile($"{part.Name}.{file.FileName}", file.Render(_password), secret, $"{part.Name}/{file.FileName}");
            (secret ? secrets : configs).Add(Reference(source, secret ? source : $"{ConfigFolder}/{source}"));
            start.AddRange(["--copy", secret ? $"{SecretFolder}/{source}" : $"{ConfigFolder}/{source}", file.ContainerPath]);
        }
        // Swarm has no start order: a part waits until the names it waits for resolve, i.e. until their tasks run.
        foreach (var wait in part.Waits.Select(w => w.Part).Distinct())
        {
            start.AddRange(["--wait-for", wait]);
        }
        if (part.PasswordVariable is { } passwordVariable && _password is not null)
        {
            if (!_secrets.Children.ContainsKey(new YamlScalarNode(PasswordSecret)))
            {
                AddFile(PasswordSecret, _password, secret: true);
            }
            secrets.Add(Reference(PasswordSecret, PasswordSecret));
            start.AddRange(["--env-from-file", passwordVariable, $"{SecretFolder}/{PasswordSecret}"]);
        }
        start.Add("--");
        // The part's command behind the start of its own resolver, the container's only DNS server (see LabResolver).
        start.AddRange(LabResolver.CommandOf(part));

        var service = new YamlMappingNode
        {
            { "image", _images.Of(part.Image).Reference },
            { "entrypoint", new YamlSequenceNode(new[] { "sh", $"{ConfigFolder}/{StartScriptName}" }.Concat(start).Select(a => (YamlNode)Literal(a))) },
            { "networks", new YamlSequenceNode(new YamlScalarNode(SwarmNames.Network)) },
            { "dns", new YamlSequenceNode(new YamlScalarNode(LabResolver.Address)) },
            { "deploy", Deploy(part) },
        };
        if (part.Environment.Count > 0)
        {
            var environment = new YamlMappingNode();
            foreach (var variable in part.Environment)
            {
                environment.Add(new YamlScalarNode(variable.Name), Literal(variable.Value));
            }
            service.Add("environment", environment);
        }
        var volumes = new YamlSequenceNode();
        foreach (var folder in part.Folders.Where(f => f.Writable))
        {
            var volume = folder.Kind == FolderKind.ProxyConfig
                ? SwarmNames.ProxyConfigVolume(_inventory.FindProxy(folder.Owner)!)
                : SwarmNames.StateVolume(folder.Owner);
            if (!_volumes.Children.ContainsKey(new YamlScalarNode(volume)))
            {
                _volumes.Add(volume, new YamlMappingNode());
            }
            volumes.Add(new YamlMappingNode { { "type", "volume" }, { "source", volume }, { "target", folder.ContainerFolder } });
        }
        if (volumes.Children.Count > 0)
        {
            service.Add("volumes", volumes);
        }
        service.Add("configs", configs);
        if (secrets.Children.Count > 0)
        {
            service.Add("secrets", secrets);
        }
        AddPorts(service, part);
        return service;
    }

    /// <summary>
    /// One task on the part's node, or, for the part on no node (the load balancer), one task on every node of the
    /// swarm: losing a host then leaves the others' balancers up, each publishing the front door on its own host.
    /// </summary>
    private static YamlMappingNode Deploy(LabPart part)
    {
        var deploy = part.Node is { } node
            ? new YamlMappingNode
            {
                { "mode", "replicated" },
                { "replicas", "1" },
            }
            : new YamlMappingNode { { "mode", "global" } };
        // No virtual IP: the routing mesh and its load balancer do not work on this machine's kernel (no IPVS), and
        // one task per service needs none. A name resolves to its tasks' own addresses.
        deploy.Add("endpoint_mode", "dnsrr");
        if (part.Node is { } placed)
        {
            deploy.Add("placement", new YamlMappingNode { { "constraints", new YamlSequenceNode(new YamlScalarNode(SwarmNames.Constraint(placed))) } });
        }
        deploy.Add("restart_policy", new YamlMappingNode
        {
            { "condition", RestartPolicies.Condition },
            { "delay", RestartPolicies.Duration(part.Restart.Delay) },
        });
        // No CPU weight for the failover path (LabPart.OnFailoverPath): a stack's cpu_shares is ignored by
        // docker stack deploy, and a reservation only steers placement.
        return deploy;
    }

    /// <summary>
    /// Host mode (the port opens on the node that runs the task; the ingress routing mesh does not work here): the
    /// front door and the stats page on their own ports, each Redis and Sentinel on its own host port of one node
    /// (<see cref="SwarmHostPorts"/>). A proxy behind a load balancer publishes nothing: on a one-node swarm two
    /// proxies' front-door ports would collide with each other and the balancer's; it is reached on the lab network.
    /// </summary>
    private void AddPorts(YamlMappingNode service, LabPart part)
    {
        var published = new YamlSequenceNode();
        var exposed = new YamlSequenceNode();
        foreach (var port in part.Ports.GroupBy(p => p.ContainerPort))
        {
            int? host = port.FirstOrDefault(p => p.Role is PortRole.FrontDoor or PortRole.Stats) is { } outer
                ? outer.HostPort
                : _hostPorts.TryGetValue(part.Name, out var ofNode) ? ofNode : null;
            var target = port.Key.ToString(CultureInfo.InvariantCulture);
            if (host is { } hostPort)
            {
                published.Add(new YamlMappingNode
                {
                    { "target", target },
                    { "published", hostPort.ToString(CultureInfo.InvariantCulture) },
                    { "protocol", "tcp" },
                    { "mode", "host" },
                });
            }
            else
            {
                // Listened on inside the lab network only (compose's expose: documentation to Swarm, which publishes nothing for it).
                exposed.Add(target);
            }
        }
        if (published.Children.Count > 0)
        {
            service.Add("ports", published);
        }
        if (exposed.Children.Count > 0)
        {
            service.Add("expose", exposed);
        }
    }

    private static YamlMappingNode Reference(string name, string target) => new()
    {
        { "source", name },
        { "target", target },
    };

    /// <summary>
    /// Adds a file to write under <c>files/</c> and to declare as a config or a secret named <paramref name="name"/>
    /// (a secret's target is a file name under /run/secrets, where Swarm puts secrets; a config's is a path).
    /// </summary>
    private string AddFile(string name, string text, bool secret, string? relativePath = null)
    {
        var path = $"files/{relativePath ?? name}";
        _files.Add(new StackFile(path, text));
        (secret ? _secrets : _configs).Add(name, new YamlMappingNode { { "file", $"./{path}" } });
        return name;
    }

    private string RenderEnvironment()
    {
        // Lists are words separated by one space; no value holds a quote, a '$' or a line break (eng/swarm.sh checks
        // each against the form it may take, so a file edited by hand cannot slip a command through either).
        var lines = new List<string>
        {
            $"{EnvironmentHeader} (dotnet run --project AppHost -- --publish swarm); read by eng/swarm.sh as data: KEY=value lines, never run.",
            $"STACK={_stack}",
            $"INVENTORY={Path.GetFileName(_inventory.SourceFile)}",
            $"NODE_LABELS={string.Join(' ', _inventory.Nodes.Select(SwarmNames.NodeLabel))}",
            // reference=folder under containers/, for images missing on the machine.
            // Only the images the stack runs: a deploy builds each one missing.
            $"IMAGES={string.Join(' ', _model.Parts.Select(p => p.Image).Distinct().Select(_images.Of).Select(i => i.EnvironmentWord))}",
            $"FRONT_DOOR_PORT={SwarmHostPorts.FrontDoorPort(_inventory)}",
            // On engines of their own (eng/swarm.sh hosts up), this machine runs HAProxy in front of all of them.
            $"FRONT_DOOR_IMAGE={_images.Haproxy.EnvironmentWord}",
            $"REPLICA_PORTS={string.Join(' ', _inventory.Shards.SelectMany(s => s.Replicas).Select(r => SwarmHostPorts.Of(_inventory, r.Name)))}",
            // Sentinel host ports and the names they monitor: deploy waits until each Sentinel knows all the others for
            // every shard, or the first failover after a deploy can find no majority to elect a leader with.
            $"SENTINEL_PORTS={string.Join(' ', _inventory.Sentinels.Instances.Select(s => SwarmHostPorts.Of(_inventory, s.Name)))}",
            $"MASTER_NAMES={string.Join(' ', _inventory.Shards.Select(s => s.SentinelMasterName))}",
            $"AUTHENTICATION={(_password is null ? "none" : "password")}",
        };
        return string.Join('\n', lines) + "\n";
    }

    private static YamlScalarNode Quoted(string value) => new(value) { Style = ScalarStyle.DoubleQuoted };

    /// <summary>
    /// A value the container must get as it is written: <c>docker stack deploy</c> interpolates <c>$VAR</c> and
    /// <c>${VAR}</c> in every value of the file, and reads <c>$$</c> as one <c>$</c> (the resolver's start script has
    /// <c>"$@"</c>, which it would refuse or, worse, replace).
    /// </summary>
    internal static YamlScalarNode Literal(string value) => new(value.Replace("$", "$$", StringComparison.Ordinal));

    private static string Render(YamlMappingNode root) =>
        "# The Redis HA Lab as a Docker Swarm stack, published from an inventory by the AppHost\n" +
        "# (dotnet run --project AppHost -- --publish swarm); deploy with eng/swarm.sh deploy <this folder>.\n" +
        new SerializerBuilder().Build().Serialize(root);
}
