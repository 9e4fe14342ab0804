using Docker.DotNet;
using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.Faults;

/// <summary>
/// The running lab as chaos sees it: the inventory, the Docker engine (API 1.41, what Debian's engine 20.10 speaks),
/// the Sentinels, and every instance through its loopback port. Every container of the lab, the reconfig service's
/// included, is reached through Docker; nothing reads the proxy's config files.
/// </summary>
public sealed class ChaosLab : LabView, IDisposable
{
    private static readonly Version DockerApiVersion = new(1, 41);
    private readonly DockerClient _docker;

    /// <summary>Connects to the local Docker engine for the Aspire lab of <paramref name="inventory"/>.</summary>
    /// <param name="inventory">The lab's inventory: which instances exist, on which nodes, in which shards.</param>
    /// <param name="password">
    /// The lab's password when its inventory turns authentication on (from the host: the AppHost's parameter, or what a
    /// test started the lab with), else null.
    /// </param>
    public ChaosLab(Inventory inventory, string? password)
        : this(inventory, password, LabSite.Aspire)
    {
    }

    /// <summary>Connects to the local Docker engine for the lab of <paramref name="inventory"/> running on <paramref name="site"/>.</summary>
    /// <param name="inventory">The lab's inventory: which instances exist, on which nodes, in which shards.</param>
    /// <param name="password">The lab's password, null when its inventory has no authentication.</param>
    /// <param name="site">Where the lab runs (the Aspire lab, or a Swarm stack): how its containers are found and cut off, and where its instances answer.</param>
    public ChaosLab(Inventory inventory, string? password, LabSite site)
        : base(inventory, password, site)
    {
        _docker = new DockerClientConfiguration().CreateClient(DockerApiVersion);
        Site = site;
        Containers = new LabContainers(_docker, [.. inventory.Proxies.SelectMany(p => new[] { p.Name, p.ReconfigName })], Site);
        var network = new IsolatingNetwork(Site.Network(_docker), new PeerIsolation(_docker, Site));
        Network = network;
        Isolation = network;
        ResolverCut = new MachineResolverCut(_docker, Site);
        Targets = new TargetResolver(inventory, Sentinels, Masters, Site);
        Faults = new LabFaults(this);
    }

    /// <summary>The partial partition (<see cref="FaultKind.Isolate"/>); <see cref="Network"/>'s heal undoes it.</summary>
    internal IsolatingNetwork Isolation { get; }

    /// <summary>The machine's resolver gone silent for a container (<see cref="LabFaults.CutMachineResolverAsync"/>).</summary>
    internal MachineResolverCut ResolverCut { get; }

    /// <summary>Signals and state changes of single containers.</summary>
    public LabContainers Containers { get; }

    /// <summary>Where the lab runs, as given when this was made.</summary>
    public LabSite Site { get; }

    /// <summary>Partitions and heals.</summary>
    public ILabNetwork Network { get; }

    /// <summary>Turns role targets into containers and instances.</summary>
    public TargetResolver Targets { get; }

    /// <summary>Every fault, aimed by role.</summary>
    public LabFaults Faults { get; }

    /// <summary>Every container of the inventory, by name: Redis instances, Sentinels, each proxy and the reconfig service beside it, the load balancer.</summary>
    public IReadOnlyList<string> ContainerNames => Inventory.ContainerNames;

    /// <summary>The shard of the inventory called <paramref name="name"/>.</summary>
    /// <exception cref="ChaosException">There is none.</exception>
    public Shard Shard(string name) => Targets.ShardNamed(name);

    /// <inheritdoc />
    public void Dispose() => _docker.Dispose();
}
