// The client matrix: the same playbooks run while several clients write and read their own keys, and per client and
// playbook what each saw and lost. See ClientMatrix/clients.yml and docs/client-matrix/.
using System.Diagnostics;
using RedisHaLab.ClientMatrix;
using RedisHaLab.Harness;
using RedisHaLab.Probes;
using RedisHaLab.Playbooks;
using RedisHaLab.Topology;

const string Usage = """
    dotnet run --project Benchmarks/ClientMatrix -c Release -- [--matrix FILE] [--scenarios a.yml,b.yml] [--clients NAME,NAME] [--output DIR] [--lab-index N]

      --matrix     the matrix file (default ClientMatrix/clients.yml)
      --scenarios  only these of its playbooks (file names under ClientMatrix/scenarios/)
      --clients    only these of its clients (their names)
      --output     where report.md, results.json and outages.png go (default docs/client-matrix)
      --lab-index  run the lab beside others, at this index (default 0: the inventory's own addresses)
    """;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(Usage);
    return 0;
}
if (LabRepository.OfThisProgram() is not { } root)
{
    Console.Error.WriteLine(LabRepository.NotFound);
    return 2;
}
string Option(string name, string fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
}
var known = new[] { "--matrix", "--scenarios", "--clients", "--output", "--lab-index" };
var unknown = args.Where((a, i) => i % 2 == 0).FirstOrDefault(a => !known.Contains(a));
if (unknown is not null || args.Length % 2 != 0)
{
    Console.Error.WriteLine($"{(unknown is not null ? $"unknown option {unknown}" : "each option takes one value")}\n\n{Usage}");
    return 2;
}
if (!int.TryParse(Option("--lab-index", "0"), out var labIndex) || LabPlacement.IndexProblem(labIndex) is not null)
{
    Console.Error.WriteLine($"--lab-index: {LabPlacement.IndexProblem(labIndex) ?? "a whole number"}\n\n{Usage}");
    return 2;
}
MatrixFile matrix;
try
{
    var given = Option("--matrix", $"{MatrixFile.Folder}/clients.yml");
    matrix = MatrixFile.Load(root, Path.Combine(args.Contains("--matrix") ? Directory.GetCurrentDirectory() : root, given), given).Only(List("--scenarios"), List("--clients"));
}
catch (MatrixFileException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

using var cancel = ConsoleStop.OnCtrlC();
try
{
    var startedAt = $"{DateTime.Now:yyyy-MM-dd HH:mm}";
    var scenarios = await MatrixRun.RunAsync(matrix, root, labIndex, Console.Out, cancel.Token);
    var report = MatrixReport.Write(Path.GetFullPath(Option("--output", Path.Combine(root, "docs", "client-matrix"))), scenarios, Commit(root), startedAt);
    Console.WriteLine($"report: {report}");
    return scenarios.All(s => s.Cells.All(c => c.Verdict is not null)) ? 0 : 1;
}
catch (Exception e) when (e is MatrixFileException or MatrixClientException or ScenarioException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
catch (Exception e) when (e is LabStartException or TimeoutException or ChaosException)
{
    // The lab did not start, or could not be put back between playbooks: what stopped it, not a stack trace.
    Console.Error.WriteLine($"The matrix stopped: {e.Message}");
    return 1;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("Stopped.");
    return 130;
}

string[]? List(string name) => Option(name, "") is { Length: > 0 } given ? given.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : null;


static string Commit(string root)
{
    using var git = Process.Start(new ProcessStartInfo("git", ["-C", root, "rev-parse", "--short", "HEAD"]) { RedirectStandardOutput = true, RedirectStandardError = true });
    var commit = git?.StandardOutput.ReadToEnd().Trim();
    git?.WaitForExit();
    return string.IsNullOrEmpty(commit) ? "unknown" : commit;
}
