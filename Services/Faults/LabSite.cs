using System.Net;
using Docker.DotNet;
using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.Faults;

/// <summary>
/// Where the lab's parts are: how host code reaches each instance, which Docker container runs an instance now, how a
/// stopped one comes back, and how one is cut off the network. The Aspire lab and a Swarm stack of the same
/// inventory answer differently; everything above (faults by role, scenarios, probes, reset) is the same. Its
/// addresses (<see cref="LabEndpoints"/>) are what the probes get; the rest is Docker's side.
/// </summary>
public abstract class LabSite : LabEndpoints
{
    /// <summary>The Aspire lab: each instance on its node's loopback address, each container named after its instance.</summary>
    public static new LabSite Aspire { get; } = new AspireLabSite();

    /// <summary>
    /// A Swarm stack of the inventory on a one-node swarm: each instance at 127.0.0.1 on its <see cref="SwarmHostPorts"/>
    /// port, its container found by Swarm's labels.
    /// </summary>
    public static LabSite Swarm(Inventory inventory, string stack) => new SwarmLabSite(inventory, stack);

    /// <summary>
    /// The post's three hosts as three Docker engines on this machine (<c>eng/swarm.sh hosts up</c>) with a stack of
    /// the inventory on their swarm: each instance on its node's engine at its <see cref="SwarmHostPorts"/> port, and a
    /// node's faults hitting the whole host (its engine's container on this machine).
    /// </summary>
    /// <param name="inventory">The inventory the stack was published from.</param>
    /// <param name="engineAddresses">Each node's engine on the engines' network (where its published ports are).</param>
    public static LabSite Hosts(Inventory inventory, IReadOnlyDictionary<string, IPAddress> engineAddresses) =>
        new HostsLabSite(inventory, engineAddresses);

    /// <summary>What a fault aimed at <paramref name="node"/> hits: every container the inventory puts on it.</summary>
    public virtual IReadOnlyList<string> ContainersOn(Inventory inventory, LabNode node) => TargetResolver.ContainersOn(inventory, node);

    /// <summary>The Docker container (an ID or name the engine takes) that runs <paramref name="instance"/> now.</summary>
    /// <exception cref="ChaosException">None does.</exception>
    public abstract Task<string> ContainerAsync(IDockerClient docker, string instance, CancellationToken cancellationToken);

    /// <summary>Brings a killed or stopped instance back; a running one is left alone.</summary>
    public abstract Task StartAsync(IDockerClient docker, string instance, CancellationToken cancellationToken);

    /// <summary>Partitions and heals on this site.</summary>
    public abstract ILabNetwork Network(IDockerClient docker);

    private sealed class AspireLabSite : LabSite
    {
        public override IPEndPoint Of(RedisInstance instance) => LabEndpoints.Aspire.Of(instance);

        public override IPEndPoint Of(SentinelInstance sentinel) => LabEndpoints.Aspire.Of(sentinel);

        // Fixed container names (WithContainerName): the instance's name is its container's.
        public override Task<string> ContainerAsync(IDockerClient docker, string instance, CancellationToken cancellationToken) =>
            Task.FromResult(instance);

        public override Task StartAsync(IDockerClient docker, string instance, CancellationToken cancellationToken) =>
            docker.Containers.StartContainerAsync(instance, new Docker.DotNet.Models.ContainerStartParameters(), cancellationToken);

        public override ILabNetwork Network(IDockerClient docker) => new LabNetwork(docker);
    }
}

/// <summary>Partitions: an instance cut off the lab network while it runs, and plugged back in.</summary>
public interface ILabNetwork
{
    /// <summary>Cuts the instance's container off: nobody reaches it, published ports included.</summary>
    Task PartitionAsync(string container, CancellationToken cancellationToken);

    /// <summary>Undoes <see cref="PartitionAsync"/>; a container that is not cut off is left alone.</summary>
    Task HealAsync(string container, CancellationToken cancellationToken);

    /// <summary>True when the container runs and is cut off.</summary>
    Task<bool> IsCutOffAsync(string container, CancellationToken cancellationToken);
}

/// <summary>
/// A site's partitions (<see cref="ILabNetwork"/>) plus the partial one (<see cref="PeerIsolation"/>), which works the
/// same on every site: heal undoes both, and a container isolated from its peers counts as cut off.
/// </summary>
internal sealed class IsolatingNetwork(ILabNetwork network, PeerIsolation isolation) : ILabNetwork
{
    public Task PartitionAsync(string container, CancellationToken cancellationToken) => network.PartitionAsync(container, cancellationToken);

    /// <summary>Cuts the container off from <paramref name="peers"/> only (see <see cref="PeerIsolation"/>).</summary>
    public Task IsolateAsync(string container, IReadOnlyList<string> peers, CancellationToken cancellationToken) =>
        isolation.IsolateAsync(container, peers, cancellationToken);

    public async Task HealAsync(string container, CancellationToken cancellationToken)
    {
        await isolation.ReconnectAsync(container, cancellationToken);
        await network.HealAsync(container, cancellationToken);
    }

    public async Task<bool> IsCutOffAsync(string container, CancellationToken cancellationToken) =>
        await network.IsCutOffAsync(container, cancellationToken) || await isolation.IsIsolatedAsync(container, cancellationToken);
}
