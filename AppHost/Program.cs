// The lab as the post's host table: read the inventory, put each node's instances on it, run.
using RedisHaLab.AppHost.Lab;
using RedisHaLab.AppHost.Publishing;
using RedisHaLab.Topology;

DockerCliAdapter.UseIfInstalled();

var builder = DistributedApplication.CreateBuilder(args);
var refusal = SwarmPublishing.Requested(builder) ? SwarmPublishing.Refusal : "The lab was not started.";

Inventory inventory;
try
{
    inventory = InventoryLoader.Load(LabOptions.InventoryPath(builder));
}
catch (InventoryException e)
{
    // Nothing has been created yet: no container, no file. Say what to fix and stop.
    Console.Error.WriteLine($"{refusal} {e.Message}");
    return 2;
}

if (LabSecret.ProblemWithGiven(builder, inventory) is { } passwordProblem)
{
    Console.Error.WriteLine($"{refusal} {passwordProblem}");
    return 2;
}

if (SwarmPublishing.Requested(builder))
{
    // --publish swarm --output DIR: the same lab as a Docker Swarm stack, written instead of run.
    return SwarmPublishing.Run(builder, inventory);
}

if (LabOptions.SampleApp(builder, out var sampleAppProblem) is not { } withSampleApp)
{
    Console.Error.WriteLine($"The lab was not started. {sampleAppProblem}");
    return 2;
}

var lab = builder.AddRedisHaLab(inventory);
var reconfig = builder.AddReconfigService(lab);
builder.AddChaosCommands(lab, reconfig);
builder.AddRoleBoard(lab);

if (withSampleApp)
{
    // What any application of the AppHost would do: take the lab by reference. The front door arrives as
    // ConnectionStrings__front-door, a shard's Sentinels (with its service name) as ConnectionStrings__shard.
    builder.AddProject<Projects.FrontDoorClient>(SampleApp.Name)
        .WithReference(lab.Proxy, TwemproxyResource.ConnectionName)
        .WithReference(lab.Shards[inventory.Shards[0].Name], SampleApp.ShardConnectionName)
        .WithPlainHttpOnly()
        .WaitFor(lab.Proxy);
}

try
{
    builder.Build().Run();
}
catch (Exception e) when (LabNotStartedException.In(e) is { } notStarted)
{
    Console.Error.WriteLine($"The lab was not started. {notStarted.Message}");
    return 2;
}
return 0;
