// The start-up benchmark: how close the lab's start comes to the engine's own floor, measured in the same run. See
// EngineFloor (the floor), LabStart (the lab, to protected) and StartupReport (what is written).
using Docker.DotNet;
using RedisHaLab.AppHost.Lab;
using RedisHaLab.Harness;
using RedisHaLab.StartupBenchmark;

const string Usage = """
    dotnet run --project Benchmarks/StartupBenchmark -c Release -- [--rounds N] [--cold] [--inventory FILE] [--output DIR]
      --rounds N        warm rounds (floor, then the lab to protected), 1 to 10; 3 by default
      --cold            first one cold start: the lab's tagged images removed, so the start builds them (Docker's
                        layer cache from earlier builds is kept: a fresh machine's first start is slower)
      --inventory FILE  the lab to start; inventories/post-2016.yml by default
      --output DIR      where report.md, results.json and timeline.png go; docs/startup-report by default
    """;

if (LabRepository.OfThisProgram() is not { } root)
{
    Console.Error.WriteLine(LabRepository.NotFound);
    return 2;
}
var rounds = 3;
var cold = false;
var inventory = Path.Combine(root, "inventories", "post-2016.yml");
var output = Path.Combine(root, "docs", "startup-report");
for (var i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    try
    {
        switch (args[i])
        {
            case "--rounds" when int.TryParse(Value(), out var n) && n is >= 1 and <= 10:
                rounds = n;
                break;
            case "--cold":
                cold = true;
                break;
            case "--inventory":
                inventory = Path.GetFullPath(Value());
                break;
            case "--output":
                output = Path.GetFullPath(Value());
                break;
            case "--help" or "-h":
                Console.WriteLine(Usage);
                return 0;
            default:
                throw new ArgumentException($"'{args[i]}' is not an option here (or its value is out of range)");
        }
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine($"{e.Message}\n\n{Usage}");
        return 2;
    }
}
if (!File.Exists(inventory))
{
    Console.Error.WriteLine($"{inventory}: no such inventory file\n\n{Usage}");
    return 2;
}

using var cancel = ConsoleStop.OnCtrlC();
using var docker = new DockerClientConfiguration().CreateClient();
var floor = new EngineFloor(docker, $"{LabImages.Redis.Image}:{LabImages.Redis.Tag}");
var cliFloor = new CliFloor(docker, $"{LabImages.Redis.Image}:{LabImages.Redis.Tag}");
var results = new List<StartupRound>();
LabStartResult? coldStart = null;
try
{
    if (cold)
    {
        foreach (var image in LabImages.All)
        {
            try
            {
                await docker.Images.DeleteImageAsync($"{image.Image}:{image.Tag}", new Docker.DotNet.Models.ImageDeleteParameters { Force = true }, cancel.Token);
            }
            catch (DockerImageNotFoundException)
            {
            }
        }
        Log("cold start: the lab's images removed; starting the lab (it builds them)");
        coldStart = await LabStart.RunAsync(inventory, cancel.Token);
        Log($"cold start: protected after {coldStart.Protected:0.0} s");
    }
    else
    {
        Log("warm-up start (not counted): builds or checks the images");
        var warmUp = await LabStart.RunAsync(inventory, cancel.Token);
        Log($"warm-up start: protected after {warmUp.Protected:0.0} s");
    }
    for (var round = 1; round <= rounds; round++)
    {
        var floorSeconds = await floor.MeasureAsync(cancel.Token);
        Log($"round {round}/{rounds}: floor {floorSeconds:0.00} s ({EngineFloor.Containers} plain containers answer PING)");
        var cliFloorSeconds = await cliFloor.MeasureAsync(cancel.Token);
        Log($"round {round}/{rounds}: CLI floor {cliFloorSeconds:0.00} s (the same on a network of their own, through the docker command line)");
        var start = await LabStart.RunAsync(inventory, cancel.Token);
        Log($"round {round}/{rounds}: lab protected after {start.Protected:0.00} s = {start.Protected / floorSeconds:0.0} x the floor, {start.Protected / cliFloorSeconds:0.0} x the CLI floor");
        results.Add(new StartupRound(round, floorSeconds, cliFloorSeconds, start));
    }
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("stopped; nothing written");
    return 130;
}
Directory.CreateDirectory(output);
StartupReport.Write(output, Path.GetRelativePath(root, inventory), results, coldStart, string.Join(' ', args));
Log($"report: {Path.Combine(output, "report.md")}");
return 0;

static void Log(string line) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");

