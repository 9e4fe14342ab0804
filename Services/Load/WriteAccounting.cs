using System.Globalization;

namespace RedisHaLab.Load;

/// <summary>One write a load lane sent: its number in the lane (also the value written), its key, what the client learned.</summary>
/// <param name="Number">The lane's write number, from 0; the value the write set.</param>
/// <param name="Key">The key it set. A lane writes each key twice, so that a key holding the first value while the second was acknowledged shows a rollback.</param>
/// <param name="Outcome">What the client learned.</param>
public sealed record LaneWrite(long Number, string Key, WriteOutcome Outcome);

/// <summary>What became of one lane's writes, read from the shard's master once the shard had converged.</summary>
/// <param name="Acknowledged">Writes Redis said OK to.</param>
/// <param name="Failed">Writes certainly not applied.</param>
/// <param name="Indeterminate">Writes without a trustworthy answer.</param>
/// <param name="IndeterminateApplied">Indeterminate writes whose own value is what the key holds: they reached a master after all.</param>
/// <param name="Lost">Acknowledged writes whose key is gone, or holds a value this load never wrote there.</param>
/// <param name="RolledBack">Acknowledged writes whose key holds an earlier write's value: the acknowledged one was undone.</param>
/// <param name="FailedApplied">Writes counted as certainly not applied whose value is there: the client's verdict was wrong.</param>
/// <param name="FirstLost">The first few keys lost or rolled back, for a report to name.</param>
public sealed record WriteTally(int Acknowledged, int Failed, int Indeterminate, int IndeterminateApplied, int Lost, int RolledBack, int FailedApplied, IReadOnlyList<string> FirstLost);

/// <summary>
/// Counts a lane's writes against what the shard's master holds at convergence. Pure: the reading is the caller's. A key
/// is written twice (write numbers 2k and 2k+1, each value its own number), so its value tells three things apart for an
/// acknowledged write w: kept (the key holds w or a later write of the key), rolled back (it holds an earlier write of
/// the key), lost (it holds nothing, or something this load never wrote to it).
/// </summary>
public static class WriteAccounting
{
    /// <summary>How many lost or rolled-back keys a tally names.</summary>
    public const int NamedLost = 10;

    /// <summary>
    /// The tally of <paramref name="writes"/> given <paramref name="valueOf"/>, each key's value read from the shard's
    /// master (null when the key does not exist).
    /// </summary>
    public static WriteTally Count(IReadOnlyList<LaneWrite> writes, IReadOnlyDictionary<string, string?> valueOf)
    {
        // The write numbers each key was given: a value that is none of its key's was not written there by this load.
        var numbersOf = writes.GroupBy(w => w.Key).ToDictionary(g => g.Key, g => g.Select(w => w.Number).ToHashSet());
        int acknowledged = 0, failed = 0, indeterminate = 0, applied = 0, lost = 0, rolledBack = 0, failedApplied = 0;
        var firstLost = new List<string>();
        foreach (var write in writes.OrderBy(w => w.Number))
        {
            var held = Held(write.Key, valueOf, numbersOf[write.Key]);
            switch (write.Outcome)
            {
                case WriteOutcome.Acknowledged:
                    acknowledged++;
                    if (held is null)
                    {
                        lost++;
                        Name(write.Key);
                    }
                    else if (held < write.Number)
                    {
                        rolledBack++;
                        Name(write.Key);
                    }
                    break;
                case WriteOutcome.Failed:
                    failed++;
                    failedApplied += held == write.Number ? 1 : 0;
                    break;
                default:
                    indeterminate++;
                    applied += held == write.Number ? 1 : 0;
                    break;
            }
        }
        return new WriteTally(acknowledged, failed, indeterminate, applied, lost, rolledBack, failedApplied, firstLost);

        void Name(string key)
        {
            if (firstLost.Count < NamedLost && !firstLost.Contains(key))
            {
                firstLost.Add(key);
            }
        }
    }

    /// <summary>The write number the key holds, or null when it holds nothing or a value none of its writes set.</summary>
    private static long? Held(string key, IReadOnlyDictionary<string, string?> valueOf, HashSet<long> numbers) =>
        valueOf.GetValueOrDefault(key) is { } value
        && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
        && numbers.Contains(number)
            ? number
            : null;
}
