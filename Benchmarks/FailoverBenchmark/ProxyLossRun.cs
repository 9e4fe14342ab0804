using System.Globalization;
using System.Text;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using RedisHaLab.Load;
using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.FailoverBenchmark;

/// <summary>One proxy-loss round: which proxy died, what the front door's clients saw, and how the surviving tier fared.</summary>
/// <param name="FrontDoorOutageMs">The worst lane's outage (last success before its first failure to its first success after the last); null when a lane was never served again.</param>
/// <param name="LanesHit">Client connections that saw a failure (those the load balancer had sent to the killed proxy).</param>
/// <param name="SurvivingTierErrors">Failed operations that started after the worst lane was served again: the surviving proxies alone carried the load then.</param>
public sealed record ProxyLossRound(int Round, string KilledProxy, double? FrontDoorOutageMs, int LanesHit, int Lanes, int Failures,
    int SurvivingTierErrors, double? OutOfRotationAfterKillMs, double RejoinMs);

/// <summary>
/// The failover benchmark's proxy-loss round type (<c>--round-type proxy-loss</c>, on an inventory with a load
/// balancer): load through 127.0.0.1:14555 on several connections, SIGKILL to one proxy (in turn), until every
/// connection is served again; then the proxy is started and waited for back in rotation. Writes
/// <c>proxy-loss.md</c> and <c>proxy-loss.json</c>.
/// </summary>
public static class ProxyLossRun
{
    /// <summary>The targets the report states: p50 and max of the front-door outage when a proxy dies.</summary>
    public const double TargetP50Ms = 1500, TargetMaxMs = 2500;

    private static readonly TimeSpan RotationWithin = TimeSpan.FromSeconds(60);

    /// <summary>Runs the rounds on each profile's lab; returns the rounds measured (problems are printed and listed in the report).</summary>
    public static async Task<IReadOnlyList<ProxyLossRound>> RunAsync(BenchmarkOptions options, TextWriter progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.OutputFolder);
        var rounds = new List<ProxyLossRound>();
        var problems = new List<string>();
        foreach (var profile in options.Profiles)
        {
            void Say(string line) => progress.WriteLine($"[{DateTime.Now:HH:mm:ss}] [{profile.Name}] {line}");
            try
            {
                Say($"starting the lab of {Path.GetFileName(profile.Inventory)}");
                await using var lab = await LabSession.StartAsync(profile.Inventory, cancellationToken, options.LabIndex);
                var balancer = lab.Inventory.LoadBalancer
                    ?? throw new InvalidOperationException($"{Path.GetFileName(profile.Inventory)} has no load balancer: a proxy-loss round needs several proxies behind one");
                using var docker = new DockerClientConfiguration().CreateClient(new System.Version(1, 41));
                var keySet = new KeySet(options.Keys, options.Seed);
                for (var round = 1; round <= options.Rounds; round++)
                {
                    var proxy = lab.Inventory.Proxies[(round - 1) % lab.Inventory.Proxies.Count];
                    var result = await RoundAsync(lab, docker, balancer, proxy, keySet, round, options, Say, cancellationToken);
                    rounds.Add(result);
                    Say($"round {round}/{options.Rounds}: {proxy.Name} killed: front-door outage {Seconds(result.FrontDoorOutageMs)}, " +
                        $"{result.LanesHit} of {result.Lanes} connections hit, {result.Failures} failed operations, " +
                        $"{result.SurvivingTierErrors} on the surviving tier; out of rotation {Seconds(result.OutOfRotationAfterKillMs)} after the kill; " +
                        $"back in rotation {Seconds(result.RejoinMs)} after its start");
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                problems.Add($"{profile.Name}: {e.Message}");
                Say($"stopped: {e.Message}");
            }
        }
        var report = Report(rounds, problems, options);
        await File.WriteAllTextAsync(Path.Combine(options.OutputFolder, "proxy-loss.md"), report, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(options.OutputFolder, "proxy-loss.json"),
            JsonSerializer.Serialize(new { rounds, problems }, new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
        progress.WriteLine();
        progress.WriteLine(report);
        return rounds;
    }

    private static async Task<ProxyLossRound> RoundAsync(LabSession lab, DockerClient docker, LoadBalancer balancer, ProxyInstance proxy, KeySet keySet,
        int round, BenchmarkOptions options, Action<string> say, CancellationToken cancellationToken)
    {
        await WaitForRotationAsync(balancer, lab.Inventory.Proxies.Select(p => p.Name).ToList(), cancellationToken);
        var laneCount = options.ConnectionsPerShard * lab.Inventory.Shards.Count * 2;
        var states = Enumerable.Range(0, keySet.Names.Count).Select(_ => new KeyState()).ToArray();
        var errors = new ErrorCatalog();
        var lanes = Enumerable.Range(0, laneCount).Select(l => new LoadLane(l, 0,
            Enumerable.Range(0, keySet.Names.Count).Where(k => k % laneCount == l).ToList(), keySet, states, round, lab.FrontDoor, lab.Password,
            options, errors, HashCode.Combine(options.Seed, round, l))).ToList();
        using var stop = new CancellationTokenSource();
        var maxOperations = (int)(options.RatePerConnection * (options.Warmup + options.MaxRecovery + options.Tail + TimeSpan.FromSeconds(10)).TotalSeconds);
        var load = lanes.Select(l => Task.Run(() => l.RunAsync(maxOperations, stop.Token), CancellationToken.None)).ToList();
        await Task.Delay(options.Warmup, cancellationToken);

        say($"killing {proxy.Name}");
        var killAt = BenchClock.NowMs;
        await docker.Containers.KillContainerAsync(proxy.Name, new ContainerKillParameters { Signal = "KILL" }, cancellationToken);
        double? outAt = null;
        // Until every connection has been served after the kill (those on the killed proxy reconnect to another).
        while (BenchClock.NowMs - killAt < options.MaxRecovery.TotalMilliseconds && lanes.Any(l => l.LastServedMs < killAt + 50))
        {
            outAt ??= await OutOfRotationAsync(balancer, proxy.Name, cancellationToken) ? BenchClock.NowMs : null;
            await Task.Delay(50, cancellationToken);
        }
        for (var i = 0; i < 20 && outAt is null; i++)
        {
            outAt = await OutOfRotationAsync(balancer, proxy.Name, cancellationToken) ? BenchClock.NowMs : null;
            await Task.Delay(50, cancellationToken);
        }
        await Task.Delay(options.Tail, cancellationToken);
        await stop.CancelAsync();
        await Task.WhenAll(load).WaitAsync(options.OperationTimeout + TimeSpan.FromSeconds(5), cancellationToken);

        var startAt = BenchClock.NowMs;
        await docker.Containers.StartContainerAsync(proxy.Name, new ContainerStartParameters(), cancellationToken);
        await WaitForRotationAsync(balancer, [proxy.Name], cancellationToken);
        var rejoinMs = BenchClock.NowMs - startAt;

        var outages = lanes.Select(l => RoundAnalysis.OutageOf(l.Records)).ToList();
        var worst = outages.Any(o => o.Failures > 0 && o.Milliseconds is null) ? null : outages.Max(o => o.Milliseconds);
        var settled = outages.Where(o => o.EndMs is not null).Select(o => o.EndMs!.Value).DefaultIfEmpty(killAt).Max();
        var ops = lanes.SelectMany(l => l.Records).ToList();
        return new ProxyLossRound(round, proxy.Name, worst, outages.Count(o => o.Failures > 0), laneCount, outages.Sum(o => o.Failures),
            ops.Count(o => o.StartMs > settled && !OpOutcomes.Served(o.Outcome)), outAt - killAt, rejoinMs);
    }

    private static async Task<bool> OutOfRotationAsync(LoadBalancer balancer, string proxy, CancellationToken cancellationToken) =>
        (await LoadBalancerStats.ReadAsync(balancer, cancellationToken)).FirstOrDefault(s => s.Proxy == proxy) is not { InRotation: true };

    private static async Task WaitForRotationAsync(LoadBalancer balancer, IReadOnlyList<string> proxies, CancellationToken cancellationToken)
    {
        var deadline = BenchClock.NowMs + RotationWithin.TotalMilliseconds;
        IReadOnlyList<RotationState> states = [];
        while (BenchClock.NowMs < deadline)
        {
            states = await LoadBalancerStats.ReadAsync(balancer, cancellationToken);
            if (proxies.All(p => states.Any(s => s.Proxy == p && s.InRotation)))
            {
                return;
            }
            await Task.Delay(100, cancellationToken);
        }
        throw new TimeoutException($"not every proxy back in rotation within {RotationWithin.TotalSeconds:0} s: {string.Join(", ", states)}");
    }

    /// <summary>The report: one line per round, then p50 / max of the front-door outage against the targets.</summary>
    public static string Report(IReadOnlyList<ProxyLossRound> rounds, IReadOnlyList<string> problems, BenchmarkOptions options)
    {
        var text = new StringBuilder()
            .AppendLine("# Proxy loss: what the front door's clients see when a proxy dies")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"`{options.CommandLine}`; {options.RatePerConnection} operations/s on each connection, operation timeout {options.OperationTimeout.TotalMilliseconds:0} ms.")
            .AppendLine()
            .AppendLine("| round | killed | front-door outage | connections hit | failed operations | surviving tier errors | out of rotation after kill | back in rotation after start |")
            .AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in rounds)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Round} | {r.KilledProxy} | {Seconds(r.FrontDoorOutageMs)} | {r.LanesHit} of {r.Lanes} | {r.Failures} | {r.SurvivingTierErrors} | {Seconds(r.OutOfRotationAfterKillMs)} | {Seconds(r.RejoinMs)} |");
        }
        var outages = rounds.Select(r => r.FrontDoorOutageMs ?? double.PositiveInfinity).ToList();
        var p50 = RoundAnalysis.Percentile(outages, 50);
        var max = outages.Count == 0 ? (double?)null : outages.Max();
        text.AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Front-door outage over {rounds.Count} rounds: p50 {Seconds(p50)} (target <= {TargetP50Ms / 1000:0.0} s), max {Seconds(max)} (target <= {TargetMaxMs / 1000:0.0} s); " +
                                                      $"surviving tier errors in all: {rounds.Sum(r => r.SurvivingTierErrors)}.");
        foreach (var problem in problems)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- problem: {problem}");
        }
        return text.ToString();
    }

    private static string Seconds(double? ms) => ms is null ? "never" : double.IsPositiveInfinity(ms.Value) ? "never" : (ms.Value / 1000).ToString("0.00 s", CultureInfo.InvariantCulture);
}
