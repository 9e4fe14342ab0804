// The lab as the post's host table: read the inventory, put each node's instances on it, run.
using RedisHaLab.AppHost.Lab;
using RedisHaLab.AppHost.Playbooks;
using RedisHaLab.AppHost.Publishing;
using RedisHaLab.Playbooks;
using RedisHaLab.Topology;

DockerCliAdapter.UseIfInstalled();

// Every argument an option the AppHost knows, each given once: checked before anything is read, started or written.
if (LabCommandLine.Problems(args) is { Count: > 0 } commandLineProblems)
{
    var publishing = args.Any(a => a == "--publish" || a.StartsWith("--publish=", StringComparison.Ordinal));
    Console.Error.WriteLine($"{(publishing ? SwarmPublishing.Refusal : "The lab was not started.")} {string.Join(Environment.NewLine, commandLineProblems)}");
    return PlayExitCodes.BadInput;
}

// --play FILE (repeatable) runs playbooks against the lab and exits; taken out before Aspire reads the rest.
var (playFiles, hostArgs) = PlayCommandLine.Split(args, out var playProblem);
if (playProblem is not null)
{
    Console.Error.WriteLine($"The lab was not started. {playProblem}");
    return PlayExitCodes.BadInput;
}
var playing = playFiles.Count > 0;

// A playbook run is watched on the console, so it needs no dashboard.
var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Args = hostArgs, DisableDashboard = playing });
var refusal = SwarmPublishing.Requested(builder) ? SwarmPublishing.Refusal : "The lab was not started.";

if (LabOptions.LabIndex(builder, out var labIndexProblem) is not { } labIndex)
{
    Console.Error.WriteLine($"{refusal} {labIndexProblem}");
    return 2;
}
if (labIndex != 0 && (SwarmPublishing.Requested(builder) || builder.ExecutionContext.IsPublishMode))
{
    // A stack or a manifest describes the lab as its inventory writes it; where it runs is the deployer's choice.
    Console.Error.WriteLine($"{refusal} --lab-index places a lab the AppHost runs on this machine; publish without it");
    return 2;
}

Inventory inventory;
try
{
    inventory = LabPlacement.Place(InventoryLoader.Load(LabOptions.InventoryPath(builder)), labIndex);
}
catch (InventoryException e)
{
    // Nothing has been created yet: no container, no file. Say what to fix and stop.
    Console.Error.WriteLine($"{refusal} {e.Message}");
    return 2;
}

IReadOnlyList<Scenario> playbooks = [];
if (playing)
{
    // Every file checked against this lab before anything starts: a typo in the third must not cost the first two runs.
    playbooks = PlayCommandLine.LoadAll(playFiles, LabOptions.RepositoryRoot(builder), inventory, out var playbookProblems);
    if (playbookProblems.Count > 0)
    {
        Console.Error.WriteLine("The lab was not started.");
        foreach (var problem in playbookProblems)
        {
            Console.Error.WriteLine(problem);
        }
        return PlayExitCodes.BadInput;
    }
}

if (LabSecret.ProblemWithGiven(builder, inventory) is { } passwordProblem)
{
    Console.Error.WriteLine($"{refusal} {passwordProblem}");
    return 2;
}

// Checked before either branch: a stack has no sample app, but a value that means nothing is still refused, not ignored.
if (LabOptions.SampleApp(builder, out var sampleAppProblem) is not { } withSampleApp)
{
    Console.Error.WriteLine($"{refusal} {sampleAppProblem}");
    return 2;
}

// A start empties the lab's folder: only one the lab made. Said now, before anything starts (and checked again just
// before the delete). A publish, of a stack or a manifest, starts nothing and leaves the folder alone.
if (!SwarmPublishing.Requested(builder) && !builder.ExecutionContext.IsPublishMode &&
    LabOptions.StateFolder(builder, inventory).ClearProblem() is { } stateProblem)
{
    Console.Error.WriteLine($"{refusal} {stateProblem}");
    return PlayExitCodes.BadInput;
}

if (SwarmPublishing.Requested(builder))
{
    if (playing)
    {
        Console.Error.WriteLine($"{refusal} --play runs playbooks on a lab this command starts, --publish writes a stack instead: give one of them");
        return PlayExitCodes.BadInput;
    }
    // --publish swarm --output DIR: the same lab as a Docker Swarm stack, written instead of run.
    return SwarmPublishing.Run(builder, inventory);
}

if (playing)
{
    // The console shows the playbooks' progress; the lab's own logs (health checks settling at start) stay out of it.
    builder.Configuration["Logging:LogLevel:Default"] = "Warning";
    builder.Configuration["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "None";
}

// A playbook accounts for its own load only: the sample app runs with it only when asked for.
if (playing && builder.Configuration["sample-app"] is null)
{
    withSampleApp = false;
}

var lab = builder.AddRedisHaLab(inventory);
var reconfig = builder.AddReconfigServices(lab);
builder.AddChaosCommands(lab, reconfig);
builder.AddRoleBoard(lab);
builder.AddPlaybookCommands(lab);

if (withSampleApp)
{
    // What any application of the AppHost would do: take the lab by reference. The front door arrives as
    // ConnectionStrings__front-door, a shard's Sentinels (with its service name) as ConnectionStrings__shard; the
    // shard names as Lab__Shards, so that the app measures each shard apart, and the first shard a second way,
    // Sentinel-aware, through the lab's address map (Lab__Addresses).
    builder.AddProject<Projects.FrontDoorClient>(SampleApp.Name)
        .WithReference(lab.FrontDoor, TwemproxyResource.ConnectionName)
        .WithSentinelsOf(lab.Shards[inventory.Shards[0].Name], inventory)
        .WithShards(inventory)
        .WithPlainHttpOnly()
        .WaitFor(lab.FrontDoor);
}

var app = builder.Build();
try
{
    if (playing)
    {
        return await PlaybookSession.RunAsync(app, inventory, playbooks, LabOptions.RepositoryRoot(builder));
    }
    await app.RunAsync();
}
catch (Exception e) when (LabNotStartedException.In(e) is { } notStarted)
{
    Console.Error.WriteLine($"The lab was not started. {notStarted.Message}");
    return PlayExitCodes.BadInput;
}
return 0;
