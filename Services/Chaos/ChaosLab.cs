using Docker.DotNet;
using RedisHaLab.Topology;

namespace RedisHaLab.Chaos;

/// <summary>
/// The running lab as chaos sees it: the inventory, the Docker engine (API 1.41, what Debian's engine 20.10 speaks),
/// the proxy's config file, and a switch for the reconfig service when the host supplies one.
/// </summary>
public sealed class ChaosLab : IDisposable
{
    private static readonly Version DockerApiVersion = new(1, 41);
    private readonly DockerClient _docker;

    /// <summary>Connects to the local Docker engine for the lab of <paramref name="inventory"/>.</summary>
    /// <param name="inventory">The lab's inventory: which instances exist, on which nodes, in which shards.</param>
    /// <param name="proxyConfigFile">Host path of the proxy's config file.</param>
    /// <param name="reconfig">Stops and starts the reconfig service; without it, steps aimed at the service fail.</param>
    public ChaosLab(Inventory inventory, string proxyConfigFile, IReconfigSwitch? reconfig = null)
    {
        Inventory = inventory;
        Reconfig = reconfig;
        _docker = new DockerClientConfiguration().CreateClient(DockerApiVersion);
        Containers = new LabContainers(_docker, inventory.Proxy.Name);
        Network = new LabNetwork(_docker);
        Sentinels = new SentinelView(inventory);
        Proxy = new ProxyView(inventory, proxyConfigFile);
        Targets = new TargetResolver(inventory, Sentinels);
        Faults = new LabFaults(this);
    }

    /// <summary>The lab's inventory.</summary>
    public Inventory Inventory { get; }

    /// <summary>The reconfig service's switch, when the host supplied one.</summary>
    public IReconfigSwitch? Reconfig { get; }

    /// <summary>Signals and state changes of single containers.</summary>
    public LabContainers Containers { get; }

    /// <summary>Partitions and heals.</summary>
    public LabNetwork Network { get; }

    /// <summary>The Sentinels' view: masters by majority, manual failover.</summary>
    public SentinelView Sentinels { get; }

    /// <summary>The proxy's config file.</summary>
    public ProxyView Proxy { get; }

    /// <summary>Turns role targets into containers and instances.</summary>
    public TargetResolver Targets { get; }

    /// <summary>Every fault, aimed by role.</summary>
    public LabFaults Faults { get; }

    /// <summary>Every container of the inventory, by name: Redis instances, Sentinels, the proxy.</summary>
    public IReadOnlyList<string> ContainerNames =>
        [.. Inventory.RedisInstances.Select(i => i.Name), .. Inventory.Sentinels.Instances.Select(s => s.Name), Inventory.Proxy.Name];

    /// <summary>The shard of the inventory called <paramref name="name"/>.</summary>
    /// <exception cref="ChaosException">There is none.</exception>
    public Shard Shard(string name) => Targets.ShardNamed(name);

    /// <inheritdoc />
    public void Dispose() => _docker.Dispose();
}
