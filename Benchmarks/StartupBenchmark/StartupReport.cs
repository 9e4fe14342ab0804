using System.Globalization;
using System.Text;
using System.Text.Json;
using ScottPlot;

namespace RedisHaLab.StartupBenchmark;

/// <summary>One warm round: the engine's floor, the same containers through the command line, then the lab's start to protected.</summary>
internal sealed record StartupRound(int Round, double FloorSeconds, double CliFloorSeconds, LabStartResult Lab)
{
    public double Ratio => Lab.Protected / FloorSeconds;

    public double CliRatio => Lab.Protected / CliFloorSeconds;
}

/// <summary>Writes report.md (figures and the timeline of each part), results.json and timeline.png.</summary>
internal static class StartupReport
{
    /// <summary>The issue's target: a warm start to protected within this many times the floor.</summary>
    private const double TargetRatio = 3;

    /// <summary>The issue's target for a cold start (images built), in seconds.</summary>
    private const double TargetColdSeconds = 90;

    public static void Write(string folder, string inventory, IReadOnlyList<StartupRound> rounds, LabStartResult? cold, string arguments)
    {
        var md = new StringBuilder();
        md.AppendLine("# Start-up report").AppendLine()
            .AppendLine(Invariant($"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, lab `{inventory}`, with:")).AppendLine()
            .AppendLine("```sh").AppendLine($"dotnet run --project Benchmarks/StartupBenchmark -c Release -- {arguments}".TrimEnd()).AppendLine("```").AppendLine()
            .AppendLine("- **Floor**: nine plain containers of the lab's Redis image created and started at once, each publishing its port")
            .AppendLine("  on 127.0.0.1, from the first request to Docker until every one answers PING from the host: what the engine alone costs.")
            .AppendLine("- **CLI floor**: the same nine, as Aspire's orchestrator starts containers: on a network of their own (each named on it)")
            .AppendLine("  and through the docker command line, a `docker create` and a `docker start` process per container, all at once.")
            .AppendLine("  What any lab started through that orchestrator pays before its own work.")
            .AppendLine("- **Lab to protected**: from asking the AppHost to start (Aspire.Hosting.Testing, as the tests and the failover")
            .AppendLine("  benchmark start it) until every container of the inventory is healthy as Aspire reports it: each Sentinel could fail")
            .AppendLine("  every shard over (it knows the replicas and enough Sentinels), and each reconfig service answers \"up protected\".")
            .AppendLine("  The lab's images exist and match their folders (a warm start builds nothing).").AppendLine();
        md.AppendLine("| round | floor (s) | CLI floor (s) | lab to protected (s) | ratio | ratio to the CLI floor | AppHost built (s) |").AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var round in rounds)
        {
            md.AppendLine(Invariant($"| {round.Round} | {round.FloorSeconds:0.00} | {round.CliFloorSeconds:0.00} | {round.Lab.Protected:0.00} | {round.Ratio:0.0} | {round.CliRatio:0.0} | {round.Lab.AppHostBuilt:0.00} |"));
        }
        var ratio = Median(rounds.Select(r => r.Ratio));
        md.AppendLine(Invariant($"| **median** | {Median(rounds.Select(r => r.FloorSeconds)):0.00} | {Median(rounds.Select(r => r.CliFloorSeconds)):0.00} | {Median(rounds.Select(r => r.Lab.Protected)):0.00} | {ratio:0.0} | {Median(rounds.Select(r => r.CliRatio)):0.0} | |")).AppendLine();
        md.AppendLine(Invariant($"Target: warm start to protected <= {TargetRatio:0} x the floor: **{(ratio <= TargetRatio ? "met" : "NOT met")}** (median {ratio:0.0})."));
        if (cold is not null)
        {
            md.AppendLine(Invariant($"Cold start (the lab's images removed first, so it builds them; layers Docker still caches from earlier builds are reused, so this is not a fresh machine's first start): protected after {cold.Protected:0.0} s; target < {TargetColdSeconds:0} s: **{(cold.Protected < TargetColdSeconds ? "met" : "NOT met")}**."));
        }
        md.AppendLine().AppendLine("## Timeline of each part (median over the warm rounds, seconds since the start was asked for)").AppendLine()
            .AppendLine("| part | created | running | healthy |").AppendLine("|---|---:|---:|---:|");
        var names = rounds.SelectMany(r => r.Lab.Parts.Select(p => p.Name)).Distinct().ToList();
        foreach (var name in names.OrderBy(n => Median(rounds.Select(r => r.Lab.Parts.Single(p => p.Name == n).Running))))
        {
            var parts = rounds.Select(r => r.Lab.Parts.Single(p => p.Name == name)).ToList();
            md.AppendLine(Invariant($"| {name} | {Text(Median(parts.Select(p => p.Created)))} | {Text(Median(parts.Select(p => p.Running)))} | {Text(Median(parts.Select(p => p.Healthy)))} |"));
        }
        md.AppendLine().AppendLine("![timeline](timeline.png)");
        File.WriteAllText(Path.Combine(folder, "report.md"), md.ToString());
        File.WriteAllText(Path.Combine(folder, "results.json"), JsonSerializer.Serialize(new { inventory, rounds, cold }, new JsonSerializerOptions { WriteIndented = true }));
        Plot(rounds[^1], Path.Combine(folder, "timeline.png"));
    }

    /// <summary>One bar per part of the last round: waiting to run (light), running until healthy (dark); both floors as lines.</summary>
    private static void Plot(StartupRound round, string path)
    {
        var plot = new Plot();
        var parts = round.Lab.Parts.OrderByDescending(p => p.Running ?? double.MaxValue).ToList();
        var bars = new List<Bar>();
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            var created = part.Created ?? 0;
            var running = part.Running ?? created;
            var healthy = part.Healthy ?? running;
            bars.Add(new Bar { Position = i, ValueBase = created, Value = running, FillColor = Colors.LightSteelBlue, Orientation = Orientation.Horizontal });
            bars.Add(new Bar { Position = i, ValueBase = running, Value = healthy, FillColor = Colors.SteelBlue, Orientation = Orientation.Horizontal });
        }
        plot.Add.Bars(bars);
        var floor = plot.Add.VerticalLine(round.FloorSeconds);
        floor.LegendText = "floor";
        var cliFloor = plot.Add.VerticalLine(round.CliFloorSeconds);
        cliFloor.LegendText = "CLI floor";
        cliFloor.Color = Colors.DarkOrange;
        var protectedLine = plot.Add.VerticalLine(round.Lab.Protected);
        protectedLine.LegendText = "protected";
        protectedLine.Color = Colors.ForestGreen;
        plot.Axes.Left.SetTicks(Enumerable.Range(0, parts.Count).Select(i => (double)i).ToArray(), parts.Select(p => p.Name).ToArray());
        plot.XLabel("seconds since the start was asked for (light: created, waiting to run; dark: running, until healthy)");
        plot.Title(Invariant($"Lab start, round {round.Round}: protected at {round.Lab.Protected:0.0} s, floor {round.FloorSeconds:0.0} s, CLI floor {round.CliFloorSeconds:0.0} s"));
        plot.ShowLegend();
        plot.SavePng(path, 1100, 520);
    }

    private static double Median(IEnumerable<double> values) => Median(values.Select(v => (double?)v)) ?? double.NaN;

    private static double? Median(IEnumerable<double?> values)
    {
        var sorted = values.Where(v => v is not null).Select(v => v!.Value).Order().ToList();
        return sorted.Count == 0 ? null : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Text(double? seconds) => seconds is { } s ? s.ToString("0.00", CultureInfo.InvariantCulture) : "never";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
