namespace RedisHaLab.ClientMatrix;

/// <summary>
/// What one client saw of one playbook, from its operations (<see cref="ClientOperation"/>: each write to a new key, then
/// a read of it) and, for each key written, the value on the master the key's shard settled on after the client stopped.
/// </summary>
/// <param name="Operations">Every operation the client printed.</param>
/// <param name="Errors">Operations that ended with an error (a refused command, a dropped connection, a client timeout).</param>
/// <param name="Hung">Operations still unanswered when the client stopped, or answered only after <see cref="HungAfterMs"/>.</param>
/// <param name="LongestOutageMs">
/// The longest time without service: from the start of the first operation that failed or was late
/// (<see cref="LateAfterMs"/>) to the end of the next one that succeeded in time; 0 when none did.
/// </param>
/// <param name="StaleReads">Reads, after their write was acknowledged, that returned another value.</param>
/// <param name="LostReads">Reads, after their write was acknowledged, that found nothing.</param>
/// <param name="AcknowledgedWritesLost">Acknowledged writes whose key does not hold their value on the settled master.</param>
/// <param name="WritesAcknowledged">Writes acknowledged to the client, each read on its settled master.</param>
public sealed record ClientVerdict(int Operations, int Errors, int Hung, double LongestOutageMs, int StaleReads, int LostReads,
    int AcknowledgedWritesLost, int WritesAcknowledged)
{
    /// <summary>An answer later than this counts as no service (the lab answers in milliseconds on loopback).</summary>
    public const double LateAfterMs = 250;

    /// <summary>An answer later than this counts as a hung request (every client's own timeout is 2 to 5 s).</summary>
    public const double HungAfterMs = 5000;

    /// <summary>
    /// Judges <paramref name="operations"/>; <paramref name="settled"/> holds, for each key the client wrote, the value on
    /// its shard's settled master (null, or no entry: the key is not there).
    /// </summary>
    public static ClientVerdict Of(IReadOnlyList<ClientOperation> operations, IReadOnlyDictionary<string, string?> settled)
    {
        var hung = operations.Count(o => o.End is not { } end || end - o.Start > HungAfterMs);
        var errors = operations.Count(o => !o.Ok && o.End is not null);
        var acknowledged = operations.Where(o => o is { Op: "set", Ok: true, End: not null }).ToList();

        // A read counts against a write acknowledged before the read was sent (a read sent earlier may see either).
        var writtenBy = acknowledged.ToLookup(w => w.Key);
        int stale = 0, lostReads = 0;
        foreach (var read in operations.Where(o => o is { Op: "get", Ok: true }))
        {
            if (writtenBy[read.Key].Where(w => w.End < read.Start).MaxBy(w => w.Seq) is not { } write)
            {
                continue;
            }
            if (read.Value is null)
            {
                lostReads++;
            }
            else if (read.Value != Value(write))
            {
                stale++;
            }
        }

        // Every acknowledged write against its key on the settled master. A key is written once; should a client write
        // one twice, the later acknowledged write is the one its key must hold.
        var lastWrites = acknowledged.GroupBy(w => w.Key).Select(g => g.MaxBy(w => w.Seq)!).ToList();
        var lost = lastWrites.Count(w => !settled.TryGetValue(w.Key, out var value) || value != Value(w));
        return new ClientVerdict(operations.Count, errors, hung, LongestOutage(operations), stale, lostReads, lost, lastWrites.Count);
    }

    // What a write stores: its number.
    private static string Value(ClientOperation write) => write.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The longest span from the start of an operation not served in time to the end of the next one served in time.</summary>
    public static double LongestOutage(IReadOnlyList<ClientOperation> operations)
    {
        var longest = 0.0;
        double? began = null;
        // In the order they were sent; an operation still unanswered at the end begins an outage that never ends: it
        // runs to the last answer the client had.
        var lastEnd = operations.Where(o => o.End is not null).Select(o => o.End!.Value).DefaultIfEmpty(0).Max();
        foreach (var operation in operations.OrderBy(o => o.Start))
        {
            var served = operation is { Ok: true, End: { } end } && end - operation.Start <= LateAfterMs;
            if (!served)
            {
                began ??= operation.Start;
            }
            else if (began is { } start)
            {
                longest = Math.Max(longest, operation.End!.Value - start);
                began = null;
            }
        }
        if (began is { } open)
        {
            longest = Math.Max(longest, lastEnd - open);
        }
        return longest;
    }
}
