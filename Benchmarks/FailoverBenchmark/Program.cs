// The failover benchmark: what a client of 127.0.0.1:14555 sees when shard masters are killed, for the lab's
// profile and the post's own mechanism side by side. See FailoverBenchmarkRun and Report.Definitions.
using RedisHaLab.FailoverBenchmark;
using RedisHaLab.Harness;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(BenchmarkOptions.Usage);
    return 0;
}

if (LabRepository.OfThisProgram() is not { } root)
{
    Console.Error.WriteLine(LabRepository.NotFound);
    return 2;
}
BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args, root, DateTime.Now);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"{e.Message}\n\n{BenchmarkOptions.Usage}");
    return 2;
}

using var cancel = ConsoleStop.OnCtrlC();
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

