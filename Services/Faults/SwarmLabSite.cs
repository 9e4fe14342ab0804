using System.Diagnostics;
using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.Faults;

/// <summary>
/// A Swarm stack of the lab on this machine's one-node swarm. Swarm names a task's container
/// <c>&lt;stack&gt;_&lt;service&gt;.1.&lt;task id&gt;</c> and makes a new one at every restart, so an instance's
/// container is found by the labels Swarm puts on it (<c>com.docker.stack.namespace</c>,
/// <c>com.docker.swarm.service.name</c>), the running one first, else the newest.
/// </summary>
internal sealed class SwarmLabSite(Inventory inventory, string stack) : LabSite
{
    private static readonly TimeSpan StartWithin = TimeSpan.FromSeconds(60);

    public override IPEndPoint Of(RedisInstance instance) => new(IPAddress.Loopback, SwarmHostPorts.Of(inventory, instance.Name));

    public override IPEndPoint Of(SentinelInstance sentinel) => new(IPAddress.Loopback, SwarmHostPorts.Of(inventory, sentinel.Name));

    public override async Task<string> ContainerAsync(IDockerClient docker, string instance, CancellationToken cancellationToken) =>
        (await NewestAsync(docker, instance, cancellationToken))?.ID
        ?? throw new ChaosException($"no container of Swarm service {ServiceName(instance)} (stack {stack}); is the stack deployed (eng/swarm.sh deploy)?");

    /// <summary>
    /// A running task is left alone. Otherwise the service is forced to make a new task at once (Swarm restarts only
    /// after a crash, and a Redis only after its restart delay: see the publisher's restart policies), and this waits
    /// until it runs.
    /// </summary>
    public override async Task StartAsync(IDockerClient docker, string instance, CancellationToken cancellationToken)
    {
        if ((await NewestAsync(docker, instance, cancellationToken))?.State == "running")
        {
            return;
        }
        var service = await docker.Swarm.InspectServiceAsync(ServiceName(instance), cancellationToken);
        var spec = service.Spec;
        spec.TaskTemplate.ForceUpdate++;
        await docker.Swarm.UpdateServiceAsync(service.ID, new ServiceUpdateParameters { Service = spec, Version = (long)service.Version.Index }, cancellationToken);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartWithin)
        {
            if ((await NewestAsync(docker, instance, cancellationToken))?.State == "running")
            {
                return;
            }
            await Task.Delay(250, cancellationToken);
        }
        throw new ChaosException($"Swarm made no running task of {ServiceName(instance)} within {StartWithin.TotalSeconds:0} s of a forced update");
    }

    public override ILabNetwork Network(IDockerClient docker) => new SwarmNetwork(docker, this);

    private string ServiceName(string instance) => $"{stack}_{instance}";

    private async Task<ContainerListResponse?> NewestAsync(IDockerClient docker, string instance, CancellationToken cancellationToken)
    {
        var containers = await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool>
                {
                    [$"com.docker.stack.namespace={stack}"] = true,
                    [$"com.docker.swarm.service.name={ServiceName(instance)}"] = true,
                },
            },
        }, cancellationToken);
        return containers.OrderByDescending(c => c.State == "running").ThenByDescending(c => c.Created).FirstOrDefault();
    }
}
