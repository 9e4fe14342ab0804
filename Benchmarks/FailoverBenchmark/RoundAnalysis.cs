namespace RedisHaLab.FailoverBenchmark;

/// <summary>An outage of one group of keys, from the operations on them.</summary>
/// <param name="Milliseconds">Last success before the first failure to first success after the last failure; 0 without failures; null when never served again.</param>
/// <param name="StartMs">When it began, on the run's clock; null without failures.</param>
/// <param name="EndMs">When it ended; null without failures or when never served again.</param>
/// <param name="Failures">Failed operations.</param>
public sealed record Outage(double? Milliseconds, double? StartMs, double? EndMs, int Failures);

/// <summary>The arithmetic of a round, on recorded operations only: no I/O.</summary>
public static class RoundAnalysis
{
    /// <summary>An outage whose failures go on into the last this-many milliseconds of the load has not ended.</summary>
    public const double OpenEndedWithinMs = 1000;

    /// <summary>
    /// The outage seen by <paramref name="operations"/> (all on the same keys): from the last success that completed
    /// before the first failing operation started, to the first success that completed after the last failure
    /// completed. Successes in between (a shard that flaps) do not split it: it is the whole disturbed span.
    /// </summary>
    /// <param name="operations">The operations on one group of keys.</param>
    /// <param name="success">What counts as a success; by default <see cref="OpOutcomes.Served"/> (any answer with data).</param>
    public static Outage OutageOf(IEnumerable<OpRecord> operations, Func<OpOutcome, bool>? success = null)
    {
        success ??= OpOutcomes.Served;
        var ops = operations.ToList();
        var failures = ops.Where(o => !success(o.Outcome)).ToList();
        if (failures.Count == 0)
        {
            return new Outage(0, null, null, 0);
        }
        var firstFailureStart = failures.Min(f => f.StartMs);
        var lastFailureEnd = failures.Max(f => f.EndMs);
        var served = ops.Where(o => success(o.Outcome)).Select(o => o.EndMs).ToList();
        var before = served.Where(t => t <= firstFailureStart).DefaultIfEmpty(firstFailureStart).Max();
        var after = served.Where(t => t >= lastFailureEnd).Cast<double?>().DefaultIfEmpty(null).Min();
        // Failures still coming in the load's last second: the outage had not ended when the load stopped.
        if (lastFailureEnd > ops.Max(o => o.EndMs) - OpenEndedWithinMs)
        {
            after = null;
        }
        return new Outage(after - before, before, after, failures.Count);
    }

    /// <summary>
    /// Acknowledged writes that are gone: the key's highest surviving sequence number (<paramref name="survivingSeq"/>,
    /// over every master after healing) is below the write's. <c>ReplicaHad</c> counts those the promoted replica had
    /// at the kill (<paramref name="replicaSeq"/>: the sequence it held per key, absent when not read).
    /// </summary>
    public static (int Lost, int ReplicaHad) LostWrites(IEnumerable<OpRecord> operations, IReadOnlyDictionary<int, long> survivingSeq,
        IReadOnlyDictionary<int, long>? replicaSeq)
    {
        var lost = 0;
        var replicaHad = 0;
        foreach (var write in operations.Where(o => o.Kind == OpKind.Write && o.Outcome == OpOutcome.Ok))
        {
            if (!survivingSeq.TryGetValue(write.Key, out var surviving) || write.Seq <= surviving)
            {
                continue;
            }
            lost++;
            if (replicaSeq is not null && replicaSeq.TryGetValue(write.Key, out var had) && had >= write.Seq)
            {
                replicaHad++;
            }
        }
        return (lost, replicaHad);
    }

    /// <summary>Nearest-rank percentile of <paramref name="values"/> (p in 0..100); null when there are none.</summary>
    public static double? Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.OrderBy(v => v).ToList();
        if (sorted.Count == 0)
        {
            return null;
        }
        var rank = (int)Math.Ceiling(p / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
