// The lab as the post's host table: read the inventory, put each node's instances on it, run.
using RedisHaLab.AppHost.Lab;
using RedisHaLab.Topology;

DockerCliAdapter.UseIfInstalled();

var builder = DistributedApplication.CreateBuilder(args);

Inventory inventory;
try
{
    inventory = InventoryLoader.Load(LabOptions.InventoryPath(builder));
}
catch (InventoryException e)
{
    // Nothing has been created yet: no container, no file. Say what to fix and stop.
    Console.Error.WriteLine($"The lab was not started. {e.Message}");
    return 2;
}

if (LabSecret.ProblemWithGiven(builder, inventory) is { } passwordProblem)
{
    Console.Error.WriteLine($"The lab was not started. {passwordProblem}");
    return 2;
}

if (LabOptions.SampleApp(builder, out var sampleAppProblem) is not { } withSampleApp)
{
    Console.Error.WriteLine($"The lab was not started. {sampleAppProblem}");
    return 2;
}

var lab = builder.AddRedisHaLab(inventory);
var reconfig = builder.AddReconfigServices(lab);
builder.AddChaosCommands(lab, reconfig);
builder.AddRoleBoard(lab);

if (withSampleApp)
{
    // What any application of the AppHost would do: take the lab by reference. The front door arrives as
    // ConnectionStrings__front-door, a shard's Sentinels (with its service name) as ConnectionStrings__shard.
    builder.AddProject<Projects.FrontDoorClient>(SampleApp.Name)
        .WithReference(lab.FrontDoor, TwemproxyResource.ConnectionName)
        .WithReference(lab.Shards[inventory.Shards[0].Name], SampleApp.ShardConnectionName)
        .WithPlainHttpOnly()
        .WaitFor(lab.FrontDoor);
}

builder.Build().Run();
return 0;
