using System.Diagnostics;
using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.Faults;

/// <summary>
/// A stack of the lab on three Docker engines of this machine, one per inventory node (<c>eng/swarm.sh hosts up</c>):
/// the post's three hosts. Host code reaches an instance on its node's engine (the engines' network is the lab's own),
/// at the port the stack publishes it on there. A fault is aimed at a whole host: a node's target is the engine's
/// container on this machine, so <c>kill: node22</c> kills the engine and all it runs at once, <c>start: node22</c>
/// brings it back (its swarm then restarts its tasks), and <c>partition: node22</c> takes the engine's link to the
/// other hosts down (<see cref="SwarmNetwork"/>) while everything on it runs.
/// </summary>
/// <remarks>
/// One instance is not a fault target here: its container lives inside an engine, which this machine's Docker does
/// not see. A playbook that aims at one is refused when it runs, naming the host to aim at instead.
/// </remarks>
internal sealed class HostsLabSite(Inventory inventory, IReadOnlyDictionary<string, IPAddress> engineAddresses) : LabSite
{
    private static readonly TimeSpan StartWithin = TimeSpan.FromSeconds(30);

    // Docker gives a restarted container the address it had when it is still free, not always: read again at each start.
    private readonly Dictionary<string, IPAddress> _addresses = new(engineAddresses);

    public override IPEndPoint Of(RedisInstance instance) => new(EngineOf(instance.Node), SwarmHostPorts.Of(inventory, instance.Name));

    public override IPEndPoint Of(SentinelInstance sentinel) => new(EngineOf(sentinel.Node), SwarmHostPorts.Of(inventory, sentinel.Name));

    public override IReadOnlyList<string> ContainersOn(Inventory inventory, LabNode node) => [node.Name];

    public override Task<string> ContainerAsync(IDockerClient docker, string instance, CancellationToken cancellationToken) =>
        Task.FromResult(HostOf(instance));

    /// <summary>Starts the host's engine when it is down (an instance comes back with its host: its swarm restarts its task).</summary>
    public override async Task StartAsync(IDockerClient docker, string instance, CancellationToken cancellationToken)
    {
        var host = inventory.Nodes.Any(n => n.Name == instance) ? instance : HostOfInstance(instance);
        var clock = Stopwatch.StartNew();
        await docker.Containers.StartContainerAsync(host, new ContainerStartParameters(), cancellationToken);
        while (clock.Elapsed < StartWithin)
        {
            var inspect = await docker.Containers.InspectContainerAsync(host, cancellationToken);
            if (inspect.State.Running && inspect.NetworkSettings.Networks.Values.FirstOrDefault()?.IPAddress is { Length: > 0 } address)
            {
                _addresses[host] = IPAddress.Parse(address);
                return;
            }
            await Task.Delay(200, cancellationToken);
        }
        throw new ChaosException($"host {host}'s engine did not run within {StartWithin.TotalSeconds:0} s of its start (docker logs {host})");
    }

    /// <summary>The engine's link to the engines' network (its <c>eth0</c>), the way to the other hosts and this machine.</summary>
    public override ILabNetwork Network(IDockerClient docker) => new SwarmNetwork(docker, this, onlyLink: "eth0");

    private IPAddress EngineOf(LabNode node) => _addresses.TryGetValue(node.Name, out var address)
        ? address
        : throw new ChaosException($"no engine address for host {node.Name}; are the hosts up (eng/swarm.sh hosts up)?");

    private string HostOf(string name) => inventory.Nodes.Any(n => n.Name == name)
        ? name
        : throw new ChaosException($"{name} runs inside host {HostOfInstance(name)}'s engine, which this machine's Docker does not see; " +
                                   $"on three engines a fault hits a whole host: aim it at the node (e.g. kill: {HostOfInstance(name)})");

    private string HostOfInstance(string name) =>
        TargetResolver.NodeOf(inventory, name) ?? throw new ChaosException($"'{name}' is no part of the inventory");
}
