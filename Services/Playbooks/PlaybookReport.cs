using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using RedisHaLab.Faults;

namespace RedisHaLab.Playbooks;

/// <summary>
/// What a set of playbook runs leaves behind: <c>report.md</c> (a table a person reads, then each playbook's steps) and
/// <c>result.json</c> (the same figures for a program). The command line, the dashboard and the tests write these.
/// </summary>
public static class PlaybookReport
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Writes <c>report.md</c> and <c>result.json</c> into <paramref name="folder"/> (made if missing).</summary>
    public static async Task WriteAsync(string folder, string inventoryFile, IReadOnlyList<PlaybookResult> results)
    {
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "report.md"), Markdown(inventoryFile, results));
        await File.WriteAllTextAsync(Path.Combine(folder, "result.json"), JsonText(inventoryFile, results));
    }

    /// <summary>
    /// The table of every run: one row per playbook and shard, each shard's write lane counted on its own, at convergence
    /// (each key read from the shard's settled master; a shard that never settled says so instead of its master).
    /// </summary>
    public static string Table(IReadOnlyList<PlaybookResult> results)
    {
        var table = new StringBuilder()
            .AppendLine("| playbook | result | recovery (fault to all keys readable through the front door) | shard | acknowledged | failed | indeterminate (applied) | lost | rolled back | counted on | longest write gap | duration |")
            .AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            var outcome = r.Passed ? "passed" : $"failed at line {r.FailedStep?.Line}";
            var recovery = r.Recoveries.Count == 0 ? "-" : string.Join("; ", r.Recoveries.Select(x => $"{Seconds(x.Duration)} after `{x.Fault}`"));
            var head = $"| {r.Name} | {outcome} | {recovery} |";
            if (r.Loads.Count == 0)
            {
                table.AppendLine($"{head} - | - | - | - | - | - | - | - | {Seconds(r.Duration)} |");
                continue;
            }
            for (var l = 0; l < r.Loads.Count; l++)
            {
                foreach (var shard in r.Loads[l].Shards)
                {
                    // A playbook with several loads (a plain failover, then switchovers) numbers them.
                    var name = r.Loads.Count == 1 ? shard.Shard : $"{shard.Shard} (load {l + 1})";
                    var countedOn = shard.Convergence.Converged ? shard.Convergence.Master!.Name : $"**not converged** ({shard.Convergence.Master?.Name ?? "no master"})";
                    table.AppendLine($"{head} {name} | {shard.Acknowledged} | {shard.Failed} | {shard.Indeterminate} ({shard.IndeterminateApplied}) | {shard.Lost} | {shard.RolledBack} | {countedOn} | {Seconds(shard.LongestGap)} | {Seconds(r.Duration)} |");
                    head = "| | | |";
                }
            }
        }
        return table.ToString();
    }

    /// <summary>The whole report: the table, then each playbook's steps with their durations and what they saw.</summary>
    public static string Markdown(string inventoryFile, IReadOnlyList<PlaybookResult> results)
    {
        var text = new StringBuilder()
            .AppendLine("# Playbook runs")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"On the lab of `{inventoryFile}`: {results.Count(r => r.Passed)} of {results.Count} playbooks passed.")
            .AppendLine()
            .Append(Table(results));
        foreach (var r in results)
        {
            text.AppendLine()
                .AppendLine(CultureInfo.InvariantCulture, $"## {r.Name}")
                .AppendLine()
                .AppendLine(r.Description)
                .AppendLine()
                .AppendLine(r.Passed ? "Every step held." : $"**Failed**: {r.Failure}")
                .AppendLine();
            if (SwitchoverSummary(r.Switchovers) is { } switchovers)
            {
                text.AppendLine(switchovers).AppendLine();
            }
            text
                .AppendLine("| line | step | outcome | duration | what it saw |")
                .AppendLine("|---|---|---|---|---|");
            foreach (var s in r.Steps)
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {s.Line} | `{s.Text}` | {s.Outcome.ToString().ToLowerInvariant()} | {(s.Outcome == StepOutcome.NotRun ? "-" : Seconds(s.Duration))} | {s.Note.Replace("|", "\\|")} |");
            }
        }
        return text.ToString();
    }

    /// <summary>The runs as JSON: durations in seconds, outcomes as words.</summary>
    public static string JsonText(string inventoryFile, IReadOnlyList<PlaybookResult> results) =>
        JsonSerializer.Serialize(new
        {
            Inventory = inventoryFile,
            Passed = results.All(r => r.Passed),
            Playbooks = results.Select(r => new
            {
                r.Name,
                File = r.SourceFile,
                r.Passed,
                r.Failure,
                DurationSeconds = r.Duration.TotalSeconds,
                Steps = r.Steps.Select(s => new { s.Line, Step = s.Text, s.Outcome, DurationSeconds = s.Duration.TotalSeconds, s.Note }),
                Recoveries = r.Recoveries.Select(x => new { x.Fault, Seconds = x.Duration.TotalSeconds }),
                Switchovers = r.Switchovers.Select(x => new
                {
                    x.Shard,
                    From = x.From.Name,
                    To = x.To.Name,
                    WritePauseMs = x.WritePause.TotalMilliseconds,
                    CatchUpMs = x.CatchUp.TotalMilliseconds,
                    PromotionMs = x.Promotion.TotalMilliseconds,
                    ProxyFollowMs = x.ProxyFollow.TotalMilliseconds,
                }),
                Loads = r.Loads.Select(l => new
                {
                    l.Sent,
                    l.Acknowledged,
                    l.Failed,
                    l.Indeterminate,
                    l.IndeterminateApplied,
                    l.Lost,
                    l.RolledBack,
                    l.Converged,
                    LongestGapSeconds = l.LongestGap.TotalSeconds,
                    DurationSeconds = l.Duration.TotalSeconds,
                    l.Errors,
                    Shards = l.Shards.Select(x => new
                    {
                        x.Shard,
                        x.Sent,
                        x.Acknowledged,
                        x.Failed,
                        x.Indeterminate,
                        x.IndeterminateApplied,
                        x.Lost,
                        x.RolledBack,
                        x.FailedApplied,
                        x.FirstLost,
                        x.Convergence.Converged,
                        CountedOn = x.Convergence.Master?.Name,
                        NotConvergedBecause = x.Convergence.Problem,
                        NotAnswering = x.Convergence.Absent,
                        LongestGapSeconds = x.LongestGap.TotalSeconds,
                        x.Errors,
                    }),
                }),
            }),
        }, Json);

    /// <summary><c>10 switchovers: writes paused p50 420 ms, max 610 ms</c>, or null when there were none.</summary>
    public static string? SwitchoverSummary(IReadOnlyList<SwitchoverOutcome> switchovers)
    {
        if (switchovers.Count == 0)
        {
            return null;
        }
        var pauses = switchovers.Select(x => x.WritePause.TotalMilliseconds).Order().ToList();
        return string.Create(CultureInfo.InvariantCulture,
            $"{switchovers.Count} switchover(s): writes paused p50 {Percentile(pauses, 0.5):0} ms, max {pauses[^1]:0} ms");
    }

    /// <summary>The nearest-rank percentile of sorted <paramref name="sorted"/>.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.0 s", CultureInfo.InvariantCulture);
}
