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

var lab = builder.AddRedisHaLab(inventory);
var reconfig = builder.AddReconfigService(lab);
builder.AddChaosCommands(lab, reconfig);

builder.Build().Run();
return 0;
