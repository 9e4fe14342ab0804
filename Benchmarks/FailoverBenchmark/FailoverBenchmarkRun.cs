using System.Globalization;

namespace RedisHaLab.FailoverBenchmark;

/// <summary>A whole run: each profile in turn (start its lab, run the rounds, stop it), then the report files.</summary>
public static class FailoverBenchmarkRun
{
    /// <summary>Runs <paramref name="options"/>, printing progress to <paramref name="progress"/>; writes the report files and returns the figures.</summary>
    public static async Task<BenchmarkResult> RunAsync(BenchmarkOptions options, TextWriter progress, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var keySet = new KeySet(options.Keys, options.Seed);
        var profiles = new List<ProfileResult>();
        var problems = new List<string>();
        Directory.CreateDirectory(options.OutputFolder);
        progress.WriteLine($"Failover benchmark: {string.Join(", ", options.Profiles.Select(p => p.Name))}, {options.Rounds} rounds each; output {options.OutputFolder}");

        foreach (var profile in options.Profiles)
        {
            void Say(string line) => progress.WriteLine($"[{Clock()}] [{profile.Name}] {line}");
            var rounds = new List<RoundData>();
            Say($"starting the lab of {Path.GetFileName(profile.Inventory)} (the first start builds the images)");
            var startAt = BenchClock.NowMs;
            double startSeconds;
            try
            {
                await using var lab = await LabSession.StartAsync(profile.Inventory, cancellationToken, options.LabIndex);
                startSeconds = (BenchClock.NowMs - startAt) / 1000;
                Say($"lab up in {startSeconds:0.0} s: {lab.Inventory.Shards.Count} shards, {lab.Inventory.Sentinels.Instances.Count} Sentinels, proxy at {lab.FrontDoor}");
                await using var events = await SentinelEventLog.StartAsync(lab);
                var runner = new RoundRunner(lab, events, keySet, options, line => Say(line));
                for (var round = 1; round <= options.Rounds; round++)
                {
                    Say($"round {round}/{options.Rounds}: making every shard whole and writing {options.Keys:N0} keys");
                    try
                    {
                        var data = await runner.RunAsync(round, cancellationToken);
                        rounds.Add(data);
                        Say($"round {round}/{options.Rounds}: {Describe(data.Result)}");
                    }
                    catch (Exception e) when (e is TimeoutException or InvalidOperationException)
                    {
                        // The lab is in a state the next round cannot start from: stop this profile, keep what it measured.
                        problems.Add($"{profile.Name} round {round}: {e.Message}");
                        Say($"round {round} abandoned: {e.Message}");
                        break;
                    }
                }
                Say("stopping the lab");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                problems.Add($"{profile.Name}: {e.GetType().Name}: {e.Message}");
                Say($"profile stopped: {e.Message}");
                startSeconds = (BenchClock.NowMs - startAt) / 1000;
            }
            profiles.Add(new ProfileResult(profile, rounds, startSeconds));
        }

        var result = new BenchmarkResult(options, profiles, problems, started);
        Report.WriteAll(result);
        progress.WriteLine();
        progress.WriteLine(Report.Table(profiles, markdown: false));
        progress.WriteLine($"Report: {result.ReportPath}");
        progress.WriteLine($"Figures: {result.JsonPath}");
        progress.WriteLine($"Plot: {result.PlotPath}");
        return result;
    }

    private static string Describe(RoundResult r)
    {
        static string S(double? ms) => ms is null ? "never" : (ms.Value / 1000).ToString("0.00", CultureInfo.InvariantCulture) + " s";
        static string Ms(double? ms) => ms is null ? "-" : ms.Value.ToString("0", CultureInfo.InvariantCulture) + " ms";
        return $"{r.KilledShard} killed: +sdown {S(r.SdownAfterKillMs)}, +odown {S(r.OdownAfterKillMs)}, +switch-master {S(r.SwitchMasterAfterKillMs)}, " +
               $"serving {Ms(r.SwitchMasterToServingMs)} later; outage {S(r.KilledShardOutageMs)} ({r.KilledShard}), {S(r.OtherShardOutageMs)} (others); " +
               $"writes {r.WritesAcknowledged} ok / {r.WritesFailed} failed / {r.WritesIndeterminate} indeterminate; " +
               $"{r.AcknowledgedWritesLost} acknowledged lost ({r.AcknowledgedWritesLostReplicaHad} the replica had); " +
               $"{r.KeysUnreadable} of {r.KeysChecked} keys unreadable; healed in {S(r.HealMs)}";
    }

    private static string Clock() => DateTime.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
}
