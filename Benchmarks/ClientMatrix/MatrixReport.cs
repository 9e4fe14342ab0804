using System.Text;
using System.Text.Json;
using ScottPlot;
using static System.FormattableString;

namespace RedisHaLab.ClientMatrix;

/// <summary>The matrix's report: <c>report.md</c> (a table per playbook), <c>results.json</c> and <c>outages.png</c>.</summary>
internal static class MatrixReport
{
    /// <summary>The table's header; a test checks the report by it.</summary>
    public const string Header = "| client | outage (s) | errors | hung | stale reads | lost reads | acknowledged writes lost | of writes acknowledged | operations |";

    /// <summary>Writes the report into <paramref name="folder"/>; returns the report's path.</summary>
    public static string Write(string folder, IReadOnlyList<MatrixScenario> scenarios, string commit, string startedAt)
    {
        Directory.CreateDirectory(folder);
        var md = new StringBuilder()
            .AppendLine("# Client matrix")
            .AppendLine()
            .AppendLine(Invariant($"Run {startedAt} at `{commit}` on the post's lab (`inventories/post-2016.yml`), every client beside the others on keys of its own."))
            .AppendLine("Run it with `dotnet run --project Benchmarks/ClientMatrix -c Release`; the clients and playbooks are in `ClientMatrix/clients.yml`.")
            .AppendLine("Each playbook runs once, all clients at the same time: an outage moves by a second or so from one run to the next, so read a")
            .AppendLine("difference of that size between two clients as noise, and compare errors, hung requests and losses first.")
            .AppendLine()
            .AppendLine("What each column counts, per client and playbook:")
            .AppendLine()
            .AppendLine(Invariant($"- **outage**: the longest time without service, from the start of the first operation that failed or answered after {ClientVerdict.LateAfterMs:0} ms to the end of the next one served in time;"))
            .AppendLine(Invariant($"- **errors**: operations that ended with an error; **hung**: operations unanswered after {ClientVerdict.HungAfterMs / 1000:0} s or at the client's end;"))
            .AppendLine("- **stale reads** / **lost reads**: a client reads each key right after writing it; a read sent after its write was acknowledged that returned another value / nothing;")
            .AppendLine("- **acknowledged writes lost**: every client writes each key once; a write acknowledged to it whose key does not hold its value on the master the shard settled on (read after the client stopped and every shard settled).")
            .AppendLine();
        foreach (var scenario in scenarios)
        {
            md.AppendLine(Invariant($"## {scenario.Scenario}"))
                .AppendLine()
                .AppendLine(scenario.PlaybookPassed ? "The playbook held." : $"The playbook failed: {scenario.PlaybookFailure}")
                .AppendLine()
                .AppendLine(Header)
                .AppendLine("|---|---|---|---|---|---|---|---|---|");
            foreach (var cell in scenario.Cells)
            {
                md.AppendLine(cell.Verdict is { } v
                    ? Invariant($"| {cell.Client} | {v.LongestOutageMs / 1000:0.00} | {v.Errors} | {v.Hung} | {v.StaleReads} | {v.LostReads} | {v.AcknowledgedWritesLost} | {v.WritesAcknowledged} | {v.Operations} |")
                    : $"| {cell.Client} | {cell.Problem} | | | | | | | |");
            }
            md.AppendLine();
            foreach (var cell in scenario.Cells.Where(c => c.Verdict is not null).DistinctBy(c => c.Settled))
            {
                md.AppendLine($"- keys of {cell.Client}: {cell.Settled}");
            }
            md.AppendLine();
        }
        md.AppendLine("![outages](outages.png)");
        var report = Path.Combine(folder, "report.md");
        File.WriteAllText(report, md.ToString());
        File.WriteAllText(Path.Combine(folder, "results.json"), JsonSerializer.Serialize(new { commit, startedAt, scenarios }, new JsonSerializerOptions { WriteIndented = true }));
        Plot(scenarios, Path.Combine(folder, "outages.png"));
        return report;
    }

    /// <summary>One group of bars per playbook, one bar per client: its longest outage.</summary>
    private static void Plot(IReadOnlyList<MatrixScenario> scenarios, string path)
    {
        var plot = new Plot();
        var clients = scenarios.SelectMany(s => s.Cells.Select(c => c.Client)).Distinct().ToList();
        var palette = new ScottPlot.Palettes.Category10();
        for (var c = 0; c < clients.Count; c++)
        {
            var bars = new List<Bar>();
            for (var s = 0; s < scenarios.Count; s++)
            {
                if (scenarios[s].Cells.FirstOrDefault(cell => cell.Client == clients[c])?.Verdict is { } verdict)
                {
                    bars.Add(new Bar { Position = s * (clients.Count + 1) + c, Value = verdict.LongestOutageMs / 1000, FillColor = palette.GetColor(c) });
                }
            }
            var series = plot.Add.Bars(bars);
            series.LegendText = clients[c];
        }
        plot.Axes.Bottom.SetTicks([.. scenarios.Select((_, s) => s * (clients.Count + 1) + (clients.Count - 1) / 2.0)], [.. scenarios.Select(s => s.Scenario)]);
        plot.YLabel("longest outage seen (s)");
        plot.Title("Client matrix: each client's longest outage per playbook");
        plot.ShowLegend(Edge.Right);
        plot.SavePng(path, 1200, 520);
    }
}
