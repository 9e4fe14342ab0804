// The failover benchmark: what a client of 127.0.0.1:14555 sees when shard masters are killed, for the lab's
// profile and the post's own mechanism side by side. See FailoverBenchmarkRun and Report.Definitions.
using RedisHaLab.FailoverBenchmark;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(BenchmarkOptions.Usage);
    return 0;
}

BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args, RepositoryRoot(), DateTime.Now);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"{e.Message}\n\n{BenchmarkOptions.Usage}");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C stops the run cleanly (the lab is stopped and its containers removed); a second one kills.
    e.Cancel = !cancel.IsCancellationRequested;
    cancel.Cancel();
};
try
{
    if (options.RoundType == "proxy-loss")
    {
        var rounds = await ProxyLossRun.RunAsync(options, Console.Out, cancel.Token);
        return rounds.Count == options.Rounds * options.Profiles.Count ? 0 : 1;
    }
    var result = await FailoverBenchmarkRun.RunAsync(options, Console.Out, cancel.Token);
    return result.Problems.Count == 0 ? 0 : 1;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("Stopped.");
    return 130;
}

// The repository root: the first folder above this program (or the current folder) that holds Lab.sln.
static string RepositoryRoot()
{
    foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Lab.sln")))
            {
                return dir.FullName;
            }
        }
    }
    return Directory.GetCurrentDirectory();
}
