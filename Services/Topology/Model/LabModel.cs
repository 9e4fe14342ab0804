using System.Globalization;
using System.Net;

namespace RedisHaLab.Topology.Model;

/// <summary>
/// Every part of the lab of an inventory, described once: what runs, where, with which environment, ports, files,
/// restart and start order. Both renderers read it, so that they cannot drift: the AppHost turns each part into an
/// Aspire container, the Swarm publisher into a service. Pure: built from the inventory alone, it reads no file and
/// asks nothing (a file's text is rendered when a renderer asks for it).
/// </summary>
/// <remarks>
/// What only one runtime has stays with its renderer: Aspire's health checks, dashboard URLs and telemetry; Swarm's
/// placement labels, host ports of one node (<c>SwarmHostPorts</c>) and start script.
/// </remarks>
public sealed class LabModel
{
    /// <summary>The proxy's config folder inside its container and its reconfig service's (the post's layout).</summary>
    public const string ProxyConfigFolder = "/usr/local/twemproxy/conf";

    /// <summary>Where the inventory file appears (read-only) inside a reconfig service's container.</summary>
    public const string InventoryFolder = "/etc/redis-ha-lab";

    /// <summary>The variable the proxy's supervisor reads the hosts it resolves ahead of time from.</summary>
    public const string KnownHostsVariable = "NUTCRACKER_KNOWN_HOSTS";

    /// <summary>
    /// The supervisor's report paths by variable (its header lists them), each a file the inventory names beside the
    /// wanted config: the reconfig service reads the same names (its Program.cs), so neither side derives one.
    /// </summary>
    public static IReadOnlyList<PartVariable> SupervisorReports(ProxyInstance proxy) =>
    [
        new("NUTCRACKER_RUNNING_REPORT", $"{ProxyConfigFolder}/{proxy.RunningConfigFileName}"),
        new("NUTCRACKER_RUNNING_RECORD", $"{ProxyConfigFolder}/{proxy.RunningRecordFileName}"),
        new("NUTCRACKER_REJECTED_REPORT", $"{ProxyConfigFolder}/{proxy.RejectedConfigFileName}"),
        new("NUTCRACKER_READINESS_ANSWER", $"{ProxyConfigFolder}/{proxy.ReadinessFileName}"),
    ];

    /// <summary>The variable holding the lab's password in a reconfig service, when the lab has one.</summary>
    public const string ReconfigPasswordVariable = "Lab__RedisPassword";

    private LabModel(Inventory inventory, IReadOnlyList<LabPart> parts)
    {
        Inventory = inventory;
        Parts = parts;
    }

    /// <summary>The inventory the model was built from.</summary>
    public Inventory Inventory { get; }

    /// <summary>
    /// Every part: Redis instances (masters first), Sentinels, then each proxy followed by its reconfig service, then
    /// the load balancer when there is one. The names are the inventory's container names, in its order.
    /// </summary>
    public IReadOnlyList<LabPart> Parts { get; }

    /// <summary>The part named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The lab has no such part.</exception>
    public LabPart this[string name] =>
        Parts.FirstOrDefault(p => p.Name == name) ?? throw new KeyNotFoundException($"{name} is no part of the lab of {Path.GetFileName(Inventory.SourceFile)}");

    /// <summary>The parts of one kind, in model order.</summary>
    public IEnumerable<LabPart> OfKind(PartKind kind) => Parts.Where(p => p.Kind == kind);

    /// <summary>The model of <paramref name="inventory"/>.</summary>
    public static LabModel Of(Inventory inventory)
    {
        var parts = new List<LabPart>();
        parts.AddRange(inventory.RedisInstances.Select(i => Redis(inventory, i)));
        parts.AddRange(inventory.Sentinels.Instances.Select(s => Sentinel(inventory, s)));
        foreach (var proxy in inventory.Proxies)
        {
            parts.Add(Proxy(inventory, proxy));
            parts.Add(Reconfig(inventory, proxy));
        }
        if (inventory.LoadBalancer is { } balancer)
        {
            parts.Add(LoadBalancerPart(inventory, balancer));
        }
        return new LabModel(inventory, parts);
    }

    private static LabPart Redis(Inventory inventory, RedisInstance instance) =>
        Server(instance.Name, PartKind.Redis, instance.Node, instance.Port, "redis-server",
            new PartFile("redis.conf", RedisConfigFile.ContainerFolder(instance), password => RedisConfigFile.RenderRedis(inventory, instance, password)),
            // Not at once: a master back before its Sentinels see it down returns empty, still the master (RestartPolicies).
            new PartRestart(RestartPolicies.RedisDelay(inventory), AtOnceIsSafe: false),
            // Every instance starts at once: a replica whose master is not up yet retries its sync every second on its own.
            waits: []);

    private static LabPart Sentinel(Inventory inventory, SentinelInstance sentinel) =>
        Server(sentinel.Name, PartKind.Sentinel, sentinel.Node, sentinel.Port, "redis-sentinel",
            new PartFile("sentinel.conf", RedisConfigFile.SentinelContainerFolder, password => RedisConfigFile.RenderSentinel(inventory, sentinel, password)),
            new PartRestart(RestartPolicies.SentinelDelay, AtOnceIsSafe: true),
            // Once every Redis container runs, not once each answers: a Sentinel started first would see a master whose
            // container is still being created as down and, knowing its replica from its config, fail the shard over
            // before the lab has begun. Sentinel also refuses to start on a monitored name that does not resolve yet.
            waits: [.. inventory.RedisInstances.Select(i => new PartWait(i.Name, WaitUntil.Started))]);

    /// <summary>A server of the Redis image (redis-server or redis-sentinel) on its config file, in its own state folder, on its node's port.</summary>
    private static LabPart Server(string name, PartKind kind, LabNode node, int port, string entrypoint, PartFile file, PartRestart restart, IReadOnlyList<PartWait> waits) =>
        new(name, kind, ImageKind.Redis, node)
        {
            Entrypoint = entrypoint,
            Arguments = [file.ContainerPath],
            Ports = [new PartPort(PortRole.Node, port, node.Address, port)],
            Folders = [new PartFolder(FolderKind.State, name, file.ContainerFolder)],
            Files = [file],
            Restart = restart,
            Waits = waits,
        };

    private static LabPart Proxy(Inventory inventory, ProxyInstance proxy)
    {
        var file = new PartFile(proxy.ConfigFileName, ProxyConfigFolder, password => NutcrackerConfig.FromInventory(inventory, password).Render());
        List<PartVariable> environment =
        [
            // The supervisor resolves these ahead of time, so that a failover's apply looks no name up (see its header).
            new(KnownHostsVariable, string.Join(' ', inventory.RedisInstances.Select(i => i.Name))),
            new(ApplyTimeouts.ProxyAcceptVariable, ApplyTimeouts.ProxyAcceptMilliseconds.ToString(CultureInfo.InvariantCulture)),
            .. SupervisorReports(proxy),
        ];
        if (inventory.LoadBalancer is { } balancer)
        {
            // The balancer's readiness check, answered by this proxy's reconfig service through a relay here.
            environment.Add(new("READINESS_PORT", balancer.ReadinessPort.ToString(CultureInfo.InvariantCulture)));
            environment.Add(new("READINESS_FROM", proxy.ReconfigName));
        }
        List<PartPort> ports = [new(PortRole.Node, proxy.Port, proxy.Node.Address, proxy.Port)];
        if (proxy.FrontDoorAddress is { } frontDoor)
        {
            ports.Add(new(PortRole.FrontDoor, proxy.Port, frontDoor, proxy.Port));
        }
        return new LabPart(proxy.Name, PartKind.Proxy, ImageKind.Twemproxy, proxy.Node)
        {
            // The image's entrypoint, its supervisor, on the wanted config.
            Arguments = [file.ContainerPath],
            Environment = environment,
            Ports = ports,
            // Shared with its own reconfig service, and nothing else.
            Folders = [new PartFolder(FolderKind.ProxyConfig, proxy.Name, ProxyConfigFolder)],
            Files = [file],
            Restart = new PartRestart(RestartPolicies.FailoverPathDelay, AtOnceIsSafe: true),
            // The proxy starts with Redis too: its supervisor looks a name that did not resolve up again every other
            // second. Where the runtime can wait for a name cheaply (Swarm's start script), it waits for the masters'.
            Waits = [.. inventory.Shards.Select(s => new PartWait(s.Master.Name, WaitUntil.Resolvable))],
            OnFailoverPath = true,
        };
    }

    private static LabPart Reconfig(Inventory inventory, ProxyInstance proxy)
    {
        var inventoryFile = new PartFile(Path.GetFileName(inventory.SourceFile), InventoryFolder, Render: null, InputPath: inventory.SourceFile);
        return new LabPart(proxy.ReconfigName, PartKind.Reconfig, ImageKind.Reconfig, proxy.Node)
        {
            Environment =
            [
                new("Lab__Inventory", inventoryFile.ContainerPath),
                new("Lab__Proxy", proxy.Name),
                new("Lab__ProxyConfigFile", $"{ProxyConfigFolder}/{proxy.ConfigFileName}"),
                new(ApplyTimeouts.ServiceConfirmVariable, ApplyTimeouts.ServiceConfirmMilliseconds.ToString(CultureInfo.InvariantCulture)),
                // The service places the inventory file as the AppHost did; lab 0 needs nothing (and its manifest says nothing).
                .. inventory.LabIndex == 0 ? Array.Empty<PartVariable>() : [new PartVariable("Lab__LabIndex", inventory.LabIndex.ToString(CultureInfo.InvariantCulture))],
            ],
            PasswordVariable = inventory.Authentication == LabAuthentication.Password ? ReconfigPasswordVariable : null,
            // Its proxy's folder, at the same path as in the proxy's container: no Docker socket, no other host path.
            Folders = [new PartFolder(FolderKind.ProxyConfig, proxy.Name, ProxyConfigFolder)],
            Files = [inventoryFile],
            Restart = new PartRestart(RestartPolicies.FailoverPathDelay, AtOnceIsSafe: true),
            // It starts alongside its proxy rather than after it (a master lost between the two starts would otherwise go
            // unrepaired): it retries a Sentinel it cannot reach yet and waits for the proxy's first report itself.
            Waits = [new PartWait(proxy.Name, WaitUntil.Resolvable), .. inventory.Sentinels.Instances.Select(s => new PartWait(s.Name, WaitUntil.Resolvable))],
            OnFailoverPath = true,
        };
    }

    private static LabPart LoadBalancerPart(Inventory inventory, LoadBalancer balancer) =>
        new(balancer.Name, PartKind.LoadBalancer, ImageKind.Haproxy, Node: null)
        {
            Ports =
            [
                new PartPort(PortRole.FrontDoor, balancer.Port, balancer.FrontDoorAddress, balancer.Port),
                new PartPort(PortRole.Stats, balancer.StatsPort, balancer.FrontDoorAddress, balancer.StatsPort),
            ],
            Folders = [new PartFolder(FolderKind.Config, balancer.Name, HaproxyConfig.ContainerFolder)],
            Files = [new PartFile(HaproxyConfig.FileName, HaproxyConfig.ContainerFolder, password => HaproxyConfig.Render(inventory, password))],
            Restart = new PartRestart(RestartPolicies.FailoverPathDelay, AtOnceIsSafe: true),
            // Started once every proxy runs (before that its checks would only find them all down) and every reconfig
            // service vouches for its proxy: earlier, the front door answers, then refuses, then answers again.
            Waits =
            [
                .. inventory.Proxies.Select(p => new PartWait(p.Name, WaitUntil.Started)),
                .. inventory.Proxies.Select(p => new PartWait(p.ReconfigName, WaitUntil.Healthy)),
            ],
        };
}

/// <summary>
/// The time limits of one apply that must agree between the proxy's supervisor and its reconfig service, owned here
/// and handed to both through their environment.
/// </summary>
public static class ApplyTimeouts
{
    /// <summary>The supervisor's variable for <see cref="ProxyAcceptMilliseconds"/>.</summary>
    public const string ProxyAcceptVariable = "NUTCRACKER_ACCEPT_TIMEOUT_MS";

    /// <summary>How long a new nutcracker may take to accept connections before the supervisor counts the config failed.</summary>
    public const int ProxyAcceptMilliseconds = 2000;

    /// <summary>The reconfig service's variable for <see cref="ServiceConfirmMilliseconds"/>.</summary>
    public const string ServiceConfirmVariable = "Lab__ProxyConfirmTimeoutMilliseconds";

    /// <summary>
    /// How long the reconfig service waits for the proxy to report a new config running: the supervisor's whole apply
    /// (reading, checking and stopping take tens of milliseconds, then up to <see cref="ProxyAcceptMilliseconds"/>
    /// for the start), and a second more for a loaded machine. Any shorter, and the service would call an apply failed
    /// that the supervisor is still completing, and try again on top of it.
    /// </summary>
    public const int ServiceConfirmMilliseconds = ProxyAcceptMilliseconds + 1000;
}

/// <summary>What a part is.</summary>
public enum PartKind { Redis, Sentinel, Proxy, Reconfig, LoadBalancer }

/// <summary>Which of the lab's images a part runs (the AppHost's <c>LabImages</c> and the stack's <c>StackImages</c> name each).</summary>
public enum ImageKind { Redis, Twemproxy, Reconfig, Haproxy }

/// <summary>What a port is for.</summary>
public enum PortRole
{
    /// <summary>The part at its node's own address, as the post's hosts reached it.</summary>
    Node,

    /// <summary>The lab's front door, the one port a client needs (the proxy's, or the load balancer's when there is one).</summary>
    FrontDoor,

    /// <summary>The load balancer's stats page (HTTP).</summary>
    Stats,
}

/// <summary>How far a part it waits for must have come.</summary>
public enum WaitUntil
{
    /// <summary>Its container runs.</summary>
    Started,

    /// <summary>It is healthy (its health check passes; a runtime without health checks waits until it runs).</summary>
    Healthy,

    /// <summary>
    /// Only its name: the part looks the name up at start and retries on its own, so a runtime that can wait for a
    /// name cheaply (Swarm's start script) does, and one that cannot starts it alongside.
    /// </summary>
    Resolvable,
}

/// <summary>What kind of folder a part mounts.</summary>
public enum FolderKind
{
    /// <summary>The part's own writable folder: its rendered config, what it rewrites there, Redis's dump.</summary>
    State,

    /// <summary>A proxy's writable config folder, shared by the proxy (<see cref="PartFolder.Owner"/>) and its own reconfig service only.</summary>
    ProxyConfig,

    /// <summary>A read-only folder of rendered files (the load balancer's).</summary>
    Config,
}

/// <summary>One part of the lab: a container in the AppHost, a service in the Swarm stack.</summary>
/// <param name="Name">Container, resource and service name (the inventory's container name).</param>
/// <param name="Kind">What it is.</param>
/// <param name="Image">Which image it runs.</param>
/// <param name="Node">The inventory node it runs on, or null (the load balancer belongs to no node).</param>
public sealed record LabPart(string Name, PartKind Kind, ImageKind Image, LabNode? Node)
{
    /// <summary>The program to run instead of the image's, or null for the image's own (<see cref="LabImageEntrypoints"/>).</summary>
    public string? Entrypoint { get; init; }

    /// <summary>The arguments after the entrypoint.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Environment variables, in order, none of them secret.</summary>
    public IReadOnlyList<PartVariable> Environment { get; init; } = [];

    /// <summary>The variable that receives the lab's password (from a secret, never written into a file), or null.</summary>
    public string? PasswordVariable { get; init; }

    /// <summary>The ports it listens on, with where each is published.</summary>
    public IReadOnlyList<PartPort> Ports { get; init; } = [];

    /// <summary>The folders it mounts.</summary>
    public IReadOnlyList<PartFolder> Folders { get; init; } = [];

    /// <summary>The files it finds in its container, each in one of its <see cref="Folders"/> or mounted on its own.</summary>
    public IReadOnlyList<PartFile> Files { get; init; } = [];

    /// <summary>How it is restarted after a crash.</summary>
    public PartRestart Restart { get; init; } = new(RestartPolicies.FailoverPathDelay, AtOnceIsSafe: true);

    /// <summary>The parts it waits for before it starts.</summary>
    public IReadOnlyList<PartWait> Waits { get; init; } = [];

    /// <summary>
    /// On the failover path (the proxy, whose restart every client waits for, and its reconfig service): given more CPU
    /// weight than the rest where the runtime has such a weight.
    /// </summary>
    public bool OnFailoverPath { get; init; }

    /// <summary>The folder <paramref name="file"/> lives in, or null when it is mounted on its own.</summary>
    public PartFolder? FolderOf(PartFile file) => Folders.FirstOrDefault(f => f.ContainerFolder == file.ContainerFolder);
}

/// <summary>An environment variable.</summary>
public sealed record PartVariable(string Name, string Value);

/// <summary>A port: the same inside the container as on <paramref name="HostAddress"/>, unless a renderer must publish it elsewhere.</summary>
/// <param name="Role">What it is for.</param>
/// <param name="ContainerPort">The port inside the container.</param>
/// <param name="HostAddress">The address it is published on (the node's, or the front door's).</param>
/// <param name="HostPort">The port it is published on.</param>
public sealed record PartPort(PortRole Role, int ContainerPort, IPAddress HostAddress, int HostPort);

/// <summary>A folder a part mounts.</summary>
/// <param name="Kind">Whose folder it is and whether it is writable.</param>
/// <param name="Owner">The part whose folder it is (the proxy, for a proxy's config folder).</param>
/// <param name="ContainerFolder">Where it appears in the container.</param>
public sealed record PartFolder(FolderKind Kind, string Owner, string ContainerFolder)
{
    /// <summary>Whether the part may write into it.</summary>
    public bool Writable => Kind != FolderKind.Config;
}

/// <summary>A file a part finds in its container: rendered from the inventory, or an input file mounted as it is.</summary>
/// <param name="FileName">Its name in <paramref name="ContainerFolder"/>.</param>
/// <param name="ContainerFolder">The folder it appears in.</param>
/// <param name="Render">Its text, given the lab's password (or null); null for an input file.</param>
/// <param name="InputPath">The input file on this machine (the inventory), mounted as it is; null for a rendered file.</param>
public sealed record PartFile(string FileName, string ContainerFolder, Func<string?, string>? Render, string? InputPath = null)
{
    /// <summary>Its path inside the container.</summary>
    public string ContainerPath => $"{ContainerFolder}/{FileName}";

    /// <summary>Whether its text carries the lab's password when the lab has one (every rendered file does; the inventory never).</summary>
    public bool CarriesPassword => Render is not null;
}

/// <summary>How a part is restarted after a crash (<see cref="RestartPolicies.Condition"/>).</summary>
/// <param name="Delay">How long after the crash.</param>
/// <param name="AtOnceIsSafe">
/// Whether a runtime that cannot wait (Docker's <c>--restart</c>) may restart it at once; false for Redis, whose master
/// would come back empty and be copied by its replica.
/// </param>
public sealed record PartRestart(TimeSpan Delay, bool AtOnceIsSafe);

/// <summary>A part another waits for, and how far.</summary>
public sealed record PartWait(string Part, WaitUntil Until);

/// <summary>
/// The program each image runs when a part names none, as its Dockerfile's <c>ENTRYPOINT</c> says (under
/// <c>containers/</c>; a unit test reads them back): the Swarm stack runs its start script first, then this.
/// </summary>
public static class LabImageEntrypoints
{
    /// <summary>The image's entrypoint with its own arguments; empty for the Redis image, whose parts each name theirs.</summary>
    public static IReadOnlyList<string> Of(ImageKind image) => image switch
    {
        ImageKind.Redis => [],
        ImageKind.Twemproxy => ["/usr/local/twemproxy/sbin/nutcracker-supervisor"],
        ImageKind.Reconfig => ["/opt/redis-ha-lab/reconfig/RedisHaLab.Reconfig"],
        ImageKind.Haproxy => ["/usr/sbin/haproxy", "-W", "-db", "-f", $"{HaproxyConfig.ContainerFolder}/{HaproxyConfig.FileName}"],
        _ => throw new ArgumentOutOfRangeException(nameof(image), image, null),
    };

    /// <summary>What a part runs: its entrypoint (or the image's) and its arguments.</summary>
    public static IReadOnlyList<string> CommandOf(LabPart part) =>
        [.. part.Entrypoint is { } entrypoint ? [entrypoint] : Of(part.Image), .. part.Arguments];
}
