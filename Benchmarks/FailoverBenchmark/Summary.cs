using System.Globalization;

namespace RedisHaLab.FailoverBenchmark;

/// <summary>p50, p90 and max of one figure over a profile's rounds; a round without a value (never recovered) counts as infinite.</summary>
public sealed record Spread(double? P50, double? P90, double? Max, int Rounds);

/// <summary>A row of the side-by-side table: a figure, how to read it from a round, and the lab profile's target.</summary>
/// <param name="Name">What the row shows.</param>
/// <param name="Unit">s, ms or count.</param>
/// <param name="Value">The figure of one round, in <paramref name="Unit"/>; null when the round has none.</param>
/// <param name="Target">The target for the lab profile, as text; empty when there is none.</param>
/// <param name="Meets">Whether a spread meets the target; null without a target.</param>
public sealed record Metric(string Name, string Unit, Func<RoundResult, double?> Value, string Target, Func<Spread, bool>? Meets)
{
    /// <summary>p50 / p90 / max of this figure over <paramref name="rounds"/>.</summary>
    public Spread SpreadOf(IEnumerable<RoundResult> rounds)
    {
        var values = rounds.Select(r => Value(r) ?? double.PositiveInfinity).ToList();
        return new Spread(RoundAnalysis.Percentile(values, 50), RoundAnalysis.Percentile(values, 90),
            values.Count == 0 ? null : values.Max(), values.Count);
    }

    /// <summary>A value as the table shows it.</summary>
    public string Format(double? value) => value switch
    {
        null => "-",
        double.PositiveInfinity => "never",
        _ when Unit == "s" => value.Value.ToString("0.00", CultureInfo.InvariantCulture),
        _ => value.Value.ToString("0", CultureInfo.InvariantCulture),
    };
}

/// <summary>The figures of the report, and the targets for the lab profile.</summary>
public static class Metrics
{
    /// <summary>Every row, in table order.</summary>
    public static readonly IReadOnlyList<Metric> All =
    [
        new("killed shard outage", "s", r => r.KilledShardOutageMs / 1000, "p50 <= 3.5, max <= 4.5",
            s => s.P50 <= 3.5 && s.Max <= 4.5),
        new("killed shard until answers are right", "s", r => r.KilledShardUntilRightMs / 1000, "", null),
        new("other shard outage", "s", r => r.OtherShardOutageMs / 1000, "max <= 0.2 (0: nothing failed)",
            s => s.Max <= 0.2),
        new("kill -> +sdown", "s", r => r.SdownAfterKillMs / 1000, "", null),
        new("kill -> +odown", "s", r => r.OdownAfterKillMs / 1000, "", null),
        new("kill -> +switch-master", "s", r => r.SwitchMasterAfterKillMs / 1000, "", null),
        new("+switch-master -> proxy serving", "ms", r => r.SwitchMasterToServingMs, "p50 <= 50, max <= 150",
            s => s.P50 <= 50 && s.Max <= 150),
        new("writes acknowledged", "count", r => r.WritesAcknowledged, "", null),
        new("writes failed", "count", r => r.WritesFailed, "", null),
        new("writes indeterminate", "count", r => r.WritesIndeterminate, "", null),
        new("reads nil or older value", "count", r => r.ReadsNil + r.ReadsStale, "", null),
        new("acknowledged writes lost", "count", r => r.AcknowledgedWritesLost, "", null),
        new("  of which the replica had", "count", r => r.AcknowledgedWritesLostReplicaHad, "0", s => s.Max == 0),
        new("keys unreadable after healing", "count", r => r.KeysUnreadable, "0", s => s.Max == 0),
    ];
}
