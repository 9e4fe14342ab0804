using System.Globalization;
using RedisHaLab.Chaos;
using RedisHaLab.Topology;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace RedisHaLab.Swarm;

/// <summary>A file of a published stack: its path under the output folder and its text.</summary>
public sealed record StackFile(string RelativePath, string Text);

/// <summary>
/// The lab of an inventory as a Swarm stack (compose format 3.8): one service per instance, placed on its inventory
/// node by that node's label, all on one overlay network, plus the files the services mount (rendered by the same
/// renderers as the Aspire lab). Pure: <see cref="Files"/> is everything the publisher writes.
/// </summary>
/// <remarks>
/// Swarm's configs and secrets are read-only, and Sentinel rewrites its config (Redis too, on CONFIG REWRITE): each
/// instance's container starts with <c>lab-start</c> (<c>containers/swarm/lab-start</c>, shipped as a config), which
/// copies its rendered file into the instance's volume unless an earlier start of the service left one there, then
/// runs the server on that writable copy. The proxy's conf folder is a volume it shares with the reconfig service,
/// the only thing they share, as in the Aspire lab: no Docker socket anywhere.
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

    private const string ProxyConfigFolder = "/usr/local/twemproxy/conf";
    private const string PasswordSecret = "redis-password";

    private readonly Inventory _inventory;
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
        _images = images;
        _password = password;
        _stack = stack;
        AddFile(StartScriptName, $"files/{StartScriptName}", startScript, secret: false);
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
        foreach (var instance in _inventory.RedisInstances)
        {
            services.Add(instance.Name, RedisService(instance));
        }
        foreach (var sentinel in _inventory.Sentinels.Instances)
        {
            services.Add(sentinel.Name, SentinelService(sentinel));
        }
        var proxy = _inventory.Proxy;
        services.Add(proxy.Name, ProxyService(proxy));
        services.Add(proxy.ReconfigName, ReconfigService(proxy));

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

    private YamlMappingNode RedisService(RedisInstance instance)
    {
        var folder = RedisConfigFile.ContainerFolder(instance);
        var rendered = AddInstanceFile(instance.Name, "redis.conf", RedisConfigFile.RenderRedis(_inventory, instance, _password));
        var service = Service(_images.Redis, instance.Node,
            Start(copy: (rendered, $"{folder}/redis.conf"), waitFor: [], "redis-server", $"{folder}/redis.conf"),
            RestartPolicies.RedisDelay(_inventory));
        Mount(service, instance.Name, folder);
        Publish(service, instance.Port, SwarmHostPorts.Of(_inventory, instance.Name));
        return service;
    }

    private YamlMappingNode SentinelService(SentinelInstance sentinel)
    {
        var folder = RedisConfigFile.SentinelContainerFolder;
        var rendered = AddInstanceFile(sentinel.Name, "sentinel.conf", RedisConfigFile.RenderSentinel(_inventory, sentinel, _password));
        // Sentinel refuses to start on a monitored name that does not resolve yet, and a Swarm name resolves only
        // once its task runs: wait for the masters' names first.
        var service = Service(_images.Redis, sentinel.Node,
            Start(copy: (rendered, $"{folder}/sentinel.conf"), waitFor: _inventory.Shards.Select(s => s.Master.Name), "redis-sentinel", $"{folder}/sentinel.conf"),
            RestartPolicies.SentinelDelay);
        Mount(service, sentinel.Name, folder);
        Publish(service, sentinel.Port, SwarmHostPorts.Of(_inventory, sentinel.Name));
        return service;
    }

    private YamlMappingNode ProxyService(ProxyInstance proxy)
    {
        var rendered = AddInstanceFile(proxy.Name, proxy.ConfigFileName, NutcrackerConfig.FromInventory(_inventory, _password).Render());
        var wanted = $"{ProxyConfigFolder}/{proxy.ConfigFileName}";
        var service = Service(_images.Twemproxy, proxy.Node,
            Start(copy: (rendered, wanted), waitFor: _inventory.Shards.Select(s => s.Master.Name), "/usr/local/twemproxy/sbin/nutcracker-supervisor", wanted),
            RestartPolicies.FailoverPathDelay);
        MountVolume(service, SwarmNames.ProxyConfigVolume(proxy), ProxyConfigFolder);
        // The front door: the one port a client needs, on the proxy's node.
        Publish(service, proxy.Port, proxy.Port);
        return service;
    }

    private YamlMappingNode ReconfigService(ProxyInstance proxy)
    {
        var inventoryFile = Path.GetFileName(_inventory.SourceFile);
        // Read again as the loader read it: the file could have been swapped for a pipe or a device since.
        var inventoryText = InputFile.ReadText(_inventory.SourceFile, "the inventory the stack was built from", out var problem)
                            ?? throw new SwarmPublishException($"{_inventory.SourceFile}:1: {problem}");
        var inventoryPath = AddFile(inventoryFile, $"files/{inventoryFile}", inventoryText, secret: false);
        var command = new List<string> { "--wait-for", proxy.Name };
        foreach (var sentinel in _inventory.Sentinels.Instances)
        {
            command.AddRange(["--wait-for", sentinel.Name]);
        }
        if (_password is not null)
        {
            var passwordFile = AddFile(PasswordSecret, $"files/{PasswordSecret}", _password, secret: true);
            command.AddRange(["--env-from-file", "Lab__RedisPassword", passwordFile]);
        }
        command.AddRange(["--", "/opt/redis-ha-lab/reconfig/RedisHaLab.Reconfig"]);
        var service = Service(_images.Reconfig, proxy.Node, StartWith(command), RestartPolicies.FailoverPathDelay);
        service.Add("environment", new YamlMappingNode
        {
            { "Lab__Inventory", inventoryPath },
            { "Lab__ProxyConfigFile", $"{ProxyConfigFolder}/{proxy.ConfigFileName}" },
        });
        MountVolume(service, SwarmNames.ProxyConfigVolume(proxy), ProxyConfigFolder);
        return service;
    }

    /// <summary>A service of one replica on <paramref name="node"/>, on the lab network, with the start script and its configs.</summary>
    private YamlMappingNode Service(StackImage image, LabNode node, YamlSequenceNode entrypoint, TimeSpan restartDelay)
    {
        var service = new YamlMappingNode
        {
            { "image", image.Reference },
            { "entrypoint", entrypoint },
            { "networks", new YamlSequenceNode(new YamlScalarNode(SwarmNames.Network)) },
            {
                "deploy", new YamlMappingNode
                {
                    { "mode", "replicated" },
                    { "replicas", "1" },
                    // No virtual IP: the routing mesh and its load balancer do not work on this machine's kernel (no
                    // IPVS), and one task per service needs none. A name resolves to its task's own address.
                    { "endpoint_mode", "dnsrr" },
                    { "placement", new YamlMappingNode { { "constraints", new YamlSequenceNode(new YamlScalarNode(SwarmNames.Constraint(node))) } } },
                    {
                        "restart_policy", new YamlMappingNode
                        {
                            { "condition", RestartPolicies.Condition },
                            { "delay", RestartPolicies.Duration(restartDelay) },
                        }
                    },
                }
            },
        };
        return service;
    }

    private YamlSequenceNode Start((string Rendered, string Copy) copy, IEnumerable<string> waitFor, params string[] command)
    {
        var arguments = new List<string> { "--copy", copy.Rendered, copy.Copy };
        foreach (var host in waitFor)
        {
            arguments.AddRange(["--wait-for", host]);
        }
        arguments.Add("--");
        arguments.AddRange(command);
        return StartWith(arguments);
    }

    private YamlSequenceNode StartWith(IEnumerable<string> arguments) =>
        new(new[] { "sh", $"{ConfigFolder}/{StartScriptName}" }.Concat(arguments).Select(a => (YamlNode)new YamlScalarNode(a)));

    /// <summary>The instance's own state volume at <paramref name="folder"/>, and the files noted for it.</summary>
    private void Mount(YamlMappingNode service, string instanceName, string folder) =>
        MountVolume(service, SwarmNames.StateVolume(instanceName), folder);

    private void MountVolume(YamlMappingNode service, string volume, string target)
    {
        if (!_volumes.Children.ContainsKey(new YamlScalarNode(volume)))
        {
            _volumes.Add(volume, new YamlMappingNode());
        }
        service.Add("volumes", new YamlSequenceNode(new YamlMappingNode
        {
            { "type", "volume" },
            { "source", volume },
            { "target", target },
        }));
        // Each service mounts one volume, so this is also where its files go on: the start script, and the files the
        // Add*File calls made for this service noted.
        var configs = new YamlSequenceNode(Reference(StartScriptName, $"{ConfigFolder}/{StartScriptName}"));
        var secrets = new YamlSequenceNode();
        foreach (var (name, secret, fileTarget) in _pending)
        {
            (secret ? secrets : configs).Add(Reference(name, fileTarget));
        }
        _pending.Clear();
        service.Add("configs", configs);
        if (secrets.Children.Count > 0)
        {
            service.Add("secrets", secrets);
        }
    }

    // Files added for the service being built, mounted by its MountVolume call.
    private readonly List<(string Name, bool Secret, string Target)> _pending = [];

    private static YamlMappingNode Reference(string name, string target) => new()
    {
        { "source", name },
        { "target", target },
    };

    private static void Publish(YamlMappingNode service, int target, int published) =>
        // Host mode: the port opens on the node that runs the task (the ingress routing mesh does not work here).
        service.Add("ports", new YamlSequenceNode(new YamlMappingNode
        {
            { "target", target.ToString(CultureInfo.InvariantCulture) },
            { "published", published.ToString(CultureInfo.InvariantCulture) },
            { "protocol", "tcp" },
            { "mode", "host" },
        }));

    /// <summary>An instance's rendered file; a secret when it carries the password. Returns its path inside the container.</summary>
    private string AddInstanceFile(string instanceName, string fileName, string text) =>
        AddFile($"{instanceName}.{fileName}", $"files/{instanceName}/{fileName}", text, secret: _password is not null);

    private string AddFile(string name, string relativePath, string text, bool secret)
    {
        _files.Add(new StackFile(relativePath, text));
        (secret ? _secrets : _configs).Add(name, new YamlMappingNode { { "file", $"./{relativePath}" } });
        // A secret's target is a file name under /run/secrets (where Swarm puts secrets); a config's is a path.
        var target = secret ? $"{SecretFolder}/{name}" : $"{ConfigFolder}/{name}";
        if (name != StartScriptName)
        {
            _pending.Add((name, secret, secret ? name : target));
        }
        return target;
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
            $"IMAGES={string.Join(' ', _images.All.Select(i => $"{i.Reference}={i.ContainersSubfolder}"))}",
            $"FRONT_DOOR_PORT={_inventory.Proxy.Port}",
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

    private static string Render(YamlMappingNode root) =>
        "# The Redis HA Lab as a Docker Swarm stack, published from an inventory by the AppHost\n" +
        "# (dotnet run --project AppHost -- --publish swarm); deploy with eng/swarm.sh deploy <this folder>.\n" +
        new SerializerBuilder().Build().Serialize(root);
}
