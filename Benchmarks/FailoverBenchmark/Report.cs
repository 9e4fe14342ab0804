using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RedisHaLab.FailoverBenchmark;

/// <summary>Everything a run produced.</summary>
public sealed record BenchmarkResult(BenchmarkOptions Options, IReadOnlyList<ProfileResult> Profiles, IReadOnlyList<string> Problems, DateTimeOffset Started)
{
    /// <summary>report.md in the output folder.</summary>
    public string ReportPath => Path.Combine(Options.OutputFolder, "report.md");

    /// <summary>results.json in the output folder.</summary>
    public string JsonPath => Path.Combine(Options.OutputFolder, "results.json");

    /// <summary>timeline.png in the output folder.</summary>
    public string PlotPath => Path.Combine(Options.OutputFolder, "timeline.png");

    /// <summary>operations.csv.gz in the output folder: every client operation.</summary>
    public string OperationsPath => Path.Combine(Options.OutputFolder, "operations.csv.gz");
}

/// <summary>Writes the side-by-side table, report.md, results.json, the operations and the plot.</summary>
public static class Report
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The side-by-side table: per figure, p50 / p90 / max of each profile, then the lab profile's target.</summary>
    public static string Table(IReadOnlyList<ProfileResult> profiles, bool markdown)
    {
        var header = new List<string> { "figure (per round)" };
        foreach (var profile in profiles)
        {
            header.AddRange([$"{profile.Profile.Name} p50", "p90", "max"]);
        }
        header.Add($"target ({profiles.FirstOrDefault()?.Profile.Name ?? "lab"})");
        var rows = new List<List<string>> { header };
        foreach (var metric in Metrics.All)
        {
            var row = new List<string> { metric.Unit == "count" ? metric.Name : $"{metric.Name} ({metric.Unit})" };
            foreach (var profile in profiles)
            {
                var spread = metric.SpreadOf(profile.Figures);
                row.AddRange([metric.Format(spread.P50), metric.Format(spread.P90), metric.Format(spread.Max)]);
            }
            var first = profiles.FirstOrDefault();
            row.Add(metric.Meets is null || first is null || first.Rounds.Count == 0
                ? metric.Target
                : $"{metric.Target}: {(metric.Meets(metric.SpreadOf(first.Figures)) ? "met" : "NOT met")}");
            rows.Add(row);
        }
        return markdown ? Markdown(rows) : Text(rows);
    }

    /// <summary>Writes report.md, results.json, operations.csv.gz and timeline.png.</summary>
    public static void WriteAll(BenchmarkResult result)
    {
        Directory.CreateDirectory(result.Options.OutputFolder);
        File.WriteAllText(result.JsonPath, JsonSerializer.Serialize(JsonModel(result), Json));
        WriteOperations(result);
        TimelinePlot.Save(result.Profiles, result.PlotPath);
        File.WriteAllText(result.ReportPath, Markdown(result));
    }

    private static object JsonModel(BenchmarkResult result) => new
    {
        command = result.Options.CommandLine,
        started = result.Started,
        machine = new { Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription },
        options = new
        {
            result.Options.Rounds,
            result.Options.Keys,
            result.Options.ConnectionsPerShard,
            result.Options.RatePerConnection,
            operation_timeout_ms = result.Options.OperationTimeout.TotalMilliseconds,
            warmup_ms = result.Options.Warmup.TotalMilliseconds,
            tail_ms = result.Options.Tail.TotalMilliseconds,
            result.Options.Seed,
        },
        problems = result.Problems,
        profiles = result.Profiles.Select(p => new
        {
            name = p.Profile.Name,
            inventory = Path.GetFileName(p.Profile.Inventory),
            lab_start_seconds = p.StartSeconds,
            summary = Metrics.All.ToDictionary(m => m.Name.Trim(), m => m.SpreadOf(p.Figures)),
            rounds = p.Figures,
        }),
    };

    private static void WriteOperations(BenchmarkResult result)
    {
        using var file = File.Create(result.OperationsPath);
        using var gzip = new GZipStream(file, CompressionLevel.SmallestSize);
        using var writer = new StreamWriter(gzip, new UTF8Encoding(false));
        writer.WriteLine("profile,round,lane,shard,kind,outcome,start_after_kill_ms,end_after_kill_ms,key,seq");
        foreach (var profile in result.Profiles)
        {
            foreach (var round in profile.Rounds)
            {
                foreach (var op in round.Operations)
                {
                    writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{profile.Profile.Name},{round.Result.Round},{op.Lane},{round.ShardNames[op.Shard]},{op.Kind},{op.Outcome},{op.StartMs - round.Result.KillAtMs:0.0},{op.EndMs - round.Result.KillAtMs:0.0},{op.Key},{op.Seq}"));
                }
            }
        }
    }

    private static string Markdown(BenchmarkResult result)
    {
        var o = result.Options;
        var md = new StringBuilder();
        md.AppendLine("# Failover report").AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Run {result.Started:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores ({System.Runtime.InteropServices.RuntimeInformation.OSDescription}), with:")
            .AppendLine()
            .AppendLine("```sh")
            .AppendLine(o.CommandLine)
            .AppendLine("```")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"{o.Rounds} rounds per profile, shards killed in turn; {o.Keys:N0} random keys; {o.ConnectionsPerShard} client connections per shard at {o.RatePerConnection} operations/s each (half SET, half GET, one at a time), {o.OperationTimeout.TotalMilliseconds:0} ms operation timeout; seed {o.Seed}.")
            .AppendLine();
        foreach (var profile in result.Profiles)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- **{profile.Profile.Name}**: `inventories/{Path.GetFileName(profile.Profile.Inventory)}`, {profile.Rounds.Count} rounds (lab up in {profile.StartSeconds:0.0} s)");
        }
        md.AppendLine();
        if (result.Problems.Count > 0)
        {
            md.AppendLine("**Problems during the run:**").AppendLine();
            foreach (var problem in result.Problems)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {problem}");
            }
            md.AppendLine();
        }
        md.AppendLine("## Side by side").AppendLine()
            .AppendLine(Table(result.Profiles, markdown: true))
            .AppendLine("Targets are the issue's, for the lab profile, from the post's mechanism measured on plain processes on this machine " +
                        "(killed shard 3.4-3.9 s, p50 3.7 s; 28-41% of keys nil afterwards). They are printed, not asserted.")
            .AppendLine()
            .AppendLine("![timeline](timeline.png)")
            .AppendLine()
            .AppendLine(Definitions);
        foreach (var profile in result.Profiles)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"## Rounds: {profile.Profile.Name}").AppendLine()
                .AppendLine("| # | killed | +sdown s | +odown s | +switch-master s | killed shard outage s | until answers right s | other shard outage s | switch -> serving ms | writes ok / failed / indet. | acked lost (replica had) | unreadable after (nil / older / error) | heal s |")
                .AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var r in profile.Figures)
            {
                md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {r.Round} | {r.KilledInstance} ({r.KilledShard}) | {S(r.SdownAfterKillMs)} | {S(r.OdownAfterKillMs)} | {S(r.SwitchMasterAfterKillMs)} | {Never(r.KilledShardOutageMs)} | {Never(r.KilledShardUntilRightMs)} | {S(r.OtherShardOutageMs)} | {Ms(r.SwitchMasterToServingMs)} | {r.WritesAcknowledged} / {r.WritesFailed} / {r.WritesIndeterminate} | {r.AcknowledgedWritesLost} ({r.AcknowledgedWritesLostReplicaHad}) | {r.KeysUnreadable} of {r.KeysChecked} ({r.KeysNil} / {r.KeysOlderValue} / {r.KeysError}) | {S(r.HealMs)} |"));
            }
            md.AppendLine();
            var errors = profile.Figures.SelectMany(r => r.Errors).GroupBy(e => e.Key).Select(g => (Text: g.Key, Count: g.Sum(e => e.Value)))
                .OrderByDescending(e => e.Count).ToList();
            if (errors.Count > 0)
            {
                md.AppendLine("Failures the clients saw, all rounds:").AppendLine();
                foreach (var (text, count) in errors)
                {
                    md.AppendLine(CultureInfo.InvariantCulture, $"- {count} x `{text}`");
                }
                md.AppendLine();
            }
        }
        return md.ToString();
    }

    /// <summary>What each figure means; also what docs/reports.md explains.</summary>
    public const string Definitions = """
        ## What the figures mean

        - **Load**: each shard's keys (found by reading the masters directly after writing the key set through the
          proxy) are split over that shard's client connections; each connection sends one command at a time through
          127.0.0.1:14555, SET then GET of a random key of its own, at a fixed rate, reconnecting at the next operation
          when the proxy closed it. A connection never holds keys of two shards, so a request stuck on a dead shard
          cannot delay another shard's keys in the client.
        - **Outage** of a shard: from the last successful operation before its first failed one, to the first
          successful operation after its last failed one (a shard that flaps counts as one outage; failures still
          coming in the load's last second mean it never ended: "never"). Success means the
          proxy answered with data or +OK; a nil or an older value counts as served (they are counted apart). The
          other shard's outage is 0 when none of its operations failed.
        - **Killed shard until answers are right**: the same span when a read that returns nil or an older value
          counts as a failure too ("never": reads were still wrong in the round's last second). It differs from the
          outage when the proxy answers for a dead shard from somewhere else (`auto_eject_hosts: true` re-hashes its
          keys onto the live shard) or when keys moved.
        - **Sentinel timeline**: first `+sdown`, `+odown` and `+switch-master` about the killed master from any of
          the Sentinels (subscribed to all of them), counted from the Docker kill call (time zero of every round;
          the process dies during the call, which returns about 0.1 s later).
        - **+switch-master -> proxy serving**: from the first `+switch-master` to the end of the killed shard's outage
          (negative when the proxy was answering again before the failover, from the wrong shard).
        - **Writes**: acknowledged = `+OK`; failed = not sent (no proxy) or an error reply (twemproxy answers an
          error when it got no answer from the shard); indeterminate = sent without an answer (timeout, connection
          closed), which may or may not have been applied.
        - **Acknowledged writes lost**: after healing, every key is read on every master directly; a write acknowledged
          with `+OK` is lost when no master holds its value or a later value of the key (each key has one writer with
          rising sequence numbers, so "later" is well defined). twemproxy has no `WAIT`, so "the replica had" is
          measured instead: half a second after the kill (seconds before Sentinel can promote anything) the killed
          shard's replicas are read directly through their loopback ports; a lost write counts as one "the replica
          had" when the replica that was promoted held its value or a later one. Those are the losses `WAIT` would
          not have prevented; the others are asynchronous replication's window.
        - **Keys unreadable after healing**: once the killed master is back as a caught-up replica, every key is read
          through 14555 and compared with its latest surviving value: nil, an error or an older value (a copy left on
          another shard) counts.
        - **Healing** between rounds: the killed container is started again (`docker start`, same data folder);
          Sentinel turns it into a replica of the new master, which resyncs it fully, so whatever it had saved
          (`save` is on in both profiles) is replaced. The next round starts once every shard is whole again.
        """;

    private static string S(double? ms) => ms is null ? "-" : (ms.Value / 1000).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Never(double? ms) => ms is null ? "never" : S(ms);

    private static string Ms(double? ms) => ms is null ? "-" : ms.Value.ToString("0", CultureInfo.InvariantCulture);

    private static string Markdown(List<List<string>> rows)
    {
        var md = new StringBuilder();
        md.AppendLine("| " + string.Join(" | ", rows[0]) + " |");
        md.AppendLine("|" + string.Concat(rows[0].Select((_, i) => i == 0 || i == rows[0].Count - 1 ? "---|" : "---:|")));
        foreach (var row in rows.Skip(1))
        {
            md.AppendLine("| " + string.Join(" | ", row.Select(c => c.Replace("  of which", "&nbsp;&nbsp;of which"))) + " |");
        }
        return md.ToString();
    }

    private static string Text(List<List<string>> rows)
    {
        var widths = Enumerable.Range(0, rows[0].Count).Select(i => rows.Max(r => r[i].Length)).ToList();
        var text = new StringBuilder();
        foreach (var (row, index) in rows.Select((r, i) => (r, i)))
        {
            text.AppendLine(string.Join("  ", row.Select((c, i) => i == 0 || i == row.Count - 1 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd());
            if (index == 0)
            {
                text.AppendLine(new string('-', widths.Sum() + 2 * (widths.Count - 1)));
            }
        }
        return text.ToString();
    }
}
