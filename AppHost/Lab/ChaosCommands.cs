using Docker.DotNet;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RedisHaLab.Faults;
using RedisHaLab.Probes;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.AppHost.Lab;

/// <summary>
/// The chaos library's faults as dashboard commands: kill, pause, resume, cut off and reconnect each Redis and Sentinel
/// container, isolate a Redis instance from its shard and the Sentinels, kill a whole node, fail a shard over by hand or switch it over without losing a write. Destructive ones ask for confirmation first.
/// </summary>
internal static class ChaosCommands
{
    /// <summary>Adds the commands to every node, Redis instance and Sentinel of <paramref name="lab"/>.</summary>
    public static void AddChaosCommands(this IDistributedApplicationBuilder builder, LabResources lab, IReadOnlyList<IResourceBuilder<ContainerResource>> reconfig)
    {
        // One for the AppHost's life, made on the first command: a manifest run never connects to Docker. It keeps
        // what each partition took away, so a heal gives back the exact aliases.
        // The password is resolved by then: the lab rendered its configs with it before any command could run.
        builder.Services.AddSingleton(_ => new ChaosLab(lab.Inventory, lab.Secret.GetAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult()));
        var downAfter = TimeSpan.FromMilliseconds(lab.Inventory.Sentinels.DownAfterMilliseconds).TotalSeconds;

        foreach (var instance in lab.Inventory.RedisInstances)
        {
            var resource = lab.Redis[instance.Name].WithInstanceFaults(downAfter)
                // Only a Redis instance has a shard and Sentinels to be cut off from; "Reconnect" undoes it.
                .WithFault(FaultKind.Isolate, "Isolate from its shard and the Sentinels", "PlugDisconnected",
                    $"Cuts {instance.Name} off from the other instances of {instance.ShardName} and every Sentinel; the proxy and the host still reach it.",
                    $"Isolate {instance.Name}? If it is a master, the Sentinels fail {instance.ShardName} over while the proxy keeps writing to it until it follows; those writes are lost when it rejoins. Reconnect undoes it.");
            // On each Redis instance of the shard rather than on the Sentinels: the shard's roles are what one looks at
            // there, and on the Sentinels it would be one command per shard on each of them, any of which would do.
            var shard = lab.Inventory.Shards.Single(s => s.Name == instance.ShardName);
            resource.WithCommand($"chaos-failover-{shard.Name}", $"Fail over {shard.Name}",
                context => RunAsync(context, chaos => chaos.Faults.ManualFailoverAsync(shard), sentinel => $"{sentinel} accepted SENTINEL FAILOVER {shard.SentinelMasterName}"),
                new CommandOptions
                {
                    Description = $"Asks the Sentinels to fail shard {shard.Name} over now (SENTINEL FAILOVER): its replica is promoted and the proxy follows.",
                    ConfirmationMessage = $"Fail shard {shard.Name} over now? Its current master becomes a replica of the promoted one.",
                    IconName = "ArrowSwap",
                });
            // The planned one: writes paused until the replica holds all of them and the proxy serves it, so no
            // acknowledged write is lost (Switchover says how, and gives the pause back whatever happens).
            resource.WithCommand($"chaos-switchover-{shard.Name}", $"Switch over {shard.Name}",
                context => RunAsync(context, chaos => SwitchOverAsync(chaos, shard, context.CancellationToken), outcome => outcome.ToString()),
                new CommandOptions
                {
                    Description = $"A planned switchover of shard {shard.Name}: pauses writes on its master, waits until the replica has them all, fails over and resumes once the proxy serves the new master.",
                    ConfirmationMessage = $"Switch shard {shard.Name} over to its replica now? Its writes pause for a few seconds.",
                    IconName = "ArrowSwap",
                });
        }
        foreach (var sentinel in lab.Sentinels)
        {
            sentinel.WithInstanceFaults(downAfter);
        }
        // The reconfig service is a container like the others: kill it mid-failover and watch the next one repair.
        foreach (var service in reconfig)
        {
            service.WithInstanceFaults(downAfter);
        }
        foreach (var node in lab.Inventory.Nodes)
        {
            var containers = TargetResolver.ContainersOn(lab.Inventory, node);
            lab.Nodes[node.Name].WithCommand("chaos-kill-node", $"Kill {node.Name}",
                context => RunAsync(context, chaos => chaos.Faults.KillNodeAsync(node, context.CancellationToken), killed => $"killed {string.Join(", ", killed)}"),
                new CommandOptions
                {
                    Description = $"Kills every instance on {node.Name} at once (SIGKILL), as if the host died.",
                    ConfirmationMessage = $"Kill every instance on {node.Name} ({string.Join(", ", containers)}) at once with SIGKILL?",
                    IconName = "Power",
                });
        }
    }

    /// <summary>Kill, pause, resume, partition and heal, on one container.</summary>
    private static IResourceBuilder<ContainerResource> WithInstanceFaults(this IResourceBuilder<ContainerResource> resource, double downAfterSeconds)
    {
        var name = resource.Resource.Name;
        return resource
            .WithFault(FaultKind.Kill, "Kill (SIGKILL)", "DismissCircle",
                $"Kills {name} at once, like the post's kill. Aspire's Start brings it back.",
                $"Kill {name} with SIGKILL? If it is a master, the Sentinels fail its shard over after {downAfterSeconds:0.#} s.")
            .WithFault(FaultKind.Pause, "Pause (SIGSTOP)", "Pause",
                $"Stops {name}'s process: alive but silent, its connections open and unanswered.",
                $"Pause {name} with SIGSTOP? Past {downAfterSeconds:0.#} s the Sentinels treat it as down; Resume undoes it.")
            .WithFault(FaultKind.Resume, "Resume (SIGCONT)", "Play",
                $"Lets a paused {name} carry on where it stopped.", confirmation: null)
            .WithFault(FaultKind.Partition, "Cut off the network", "PlugDisconnected",
                $"Disconnects {name} from the lab network: it runs, but nobody reaches it and it reaches nobody.",
                $"Cut {name} off the lab network? Reconnect undoes it.")
            .WithFault(FaultKind.Heal, "Reconnect to the network", "PlugConnected",
                $"Puts a cut-off {name} back on the lab network under its old names.", confirmation: null);
    }

    private static IResourceBuilder<ContainerResource> WithFault(this IResourceBuilder<ContainerResource> resource,
        FaultKind kind, string displayName, string icon, string description, string? confirmation)
    {
        var name = resource.Resource.Name;
        return resource.WithCommand($"chaos-{kind.StepName()}", displayName,
            context => RunAsync(context, async chaos =>
            {
                await chaos.Faults.ApplyAsync(kind, name, context.CancellationToken);
                return name;
            }, _ => $"{kind.StepName()}: {name}"),
            new CommandOptions
            {
                Description = description,
                ConfirmationMessage = confirmation,
                IconName = icon,
                // Taking something away needs a running container; giving it back is always offered, since a pause
                // or a partition leaves the container running in Docker's eyes and nothing else would show it.
                UpdateState = kind.IsDisruptive() ? EnabledWhileRunning : _ => ResourceCommandState.Enabled,
            });
    }

    private static async Task<SwitchoverOutcome> SwitchOverAsync(ChaosLab chaos, Shard shard, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(Switchover.Within);
        try
        {
            return await new Switchover(chaos).RunAsync(shard, bounded.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ChaosException($"the switchover of {shard.Name} did not end within {Switchover.Within.TotalSeconds:0} s; its writes were given back");
        }
    }

    private static ResourceCommandState EnabledWhileRunning(UpdateCommandStateContext context) =>
        context.ResourceSnapshot.State?.Text == KnownResourceStates.Running ? ResourceCommandState.Enabled : ResourceCommandState.Disabled;

    /// <summary>Runs one fault; a failure becomes the command's error message rather than an exception in the dashboard.</summary>
    private static async Task<ExecuteCommandResult> RunAsync<T>(ExecuteCommandContext context, Func<ChaosLab, Task<T>> fault, Func<T, string> describe)
    {
        try
        {
            var result = await fault(context.Services.GetRequiredService<ChaosLab>());
            var message = describe(result);
            context.Logger.LogInformation("Chaos: {Message}", message);
            return CommandResults.Success(message);
        }
        catch (Exception e) when (e is ChaosException or DockerApiException or HttpRequestException or RedisException or TimeoutException)
        {
            context.Logger.LogWarning("Chaos command on {Resource} failed: {Reason}", context.ResourceName, e.Message);
            return CommandResults.Failure(e.Message);
        }
    }
}
