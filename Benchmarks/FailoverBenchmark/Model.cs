using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace RedisHaLab.FailoverBenchmark;

/// <summary>The one clock of a run: milliseconds since the process started, monotonic.</summary>
public static class BenchClock
{
    private static readonly long Origin = Stopwatch.GetTimestamp();

    /// <summary>Wall-clock time at <see cref="Origin"/>, for the report.</summary>
    public static readonly DateTimeOffset OriginWallClock = DateTimeOffset.UtcNow;

    /// <summary>Now, in milliseconds since the origin.</summary>
    public static double NowMs => Stopwatch.GetElapsedTime(Origin).TotalMilliseconds;
}

/// <summary>What a client operation was.</summary>
public enum OpKind : byte { Read, Write }

/// <summary>How a client operation ended.</summary>
public enum OpOutcome : byte
{
    /// <summary>A write answered +OK, or a read returned the key's latest value.</summary>
    Ok,

    /// <summary>A read returned nil: served, but the key was not where the proxy looked.</summary>
    ReadMiss,

    /// <summary>A read returned an older value than the last one acknowledged.</summary>
    ReadStale,

    /// <summary>The proxy answered an error (it could not get an answer from the shard).</summary>
    ErrorReply,

    /// <summary>No reply within the operation timeout; the connection was closed.</summary>
    Timeout,

    /// <summary>The connection closed or failed after the request was sent.</summary>
    ConnectionLost,

    /// <summary>The proxy could not be connected to: nothing was sent.</summary>
    NotSent,
}

/// <summary>Outcome classes as the report counts them.</summary>
public static class OpOutcomes
{
    /// <summary>The proxy answered with data or +OK: the shard was reachable, whatever the data.</summary>
    public static bool Served(OpOutcome outcome) => outcome is OpOutcome.Ok or OpOutcome.ReadMiss or OpOutcome.ReadStale;

    /// <summary>A write that certainly did not happen: nothing sent, or the proxy said it failed.</summary>
    public static bool WriteFailed(OpOutcome outcome) => outcome is OpOutcome.NotSent or OpOutcome.ErrorReply;

    /// <summary>A write that may or may not have happened: sent, and no answer came.</summary>
    public static bool WriteIndeterminate(OpOutcome outcome) => outcome is OpOutcome.Timeout or OpOutcome.ConnectionLost;
}

/// <summary>One client operation: when it started and ended, on which connection and key, and how it ended.</summary>
/// <param name="StartMs">When it started, on <see cref="BenchClock"/>.</param>
/// <param name="EndMs">When its outcome was known.</param>
/// <param name="Lane">The connection (lane) that ran it.</param>
/// <param name="Shard">Index of the shard the key lived on when the round began.</param>
/// <param name="Kind">Read or write.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Key">Index of the key in the key set.</param>
/// <param name="Seq">For a write, the sequence number it wrote; for a read, the one it read (-1: none or another round's).</param>
/// <param name="Error">Index of the error text in the round's error list; -1 for none.</param>
public readonly record struct OpRecord(double StartMs, double EndMs, int Lane, int Shard, OpKind Kind, OpOutcome Outcome, int Key, long Seq, int Error);

/// <summary>Error texts seen in a round, each stored once.</summary>
public sealed class ErrorCatalog
{
    private readonly ConcurrentDictionary<string, int> _ids = new();
    private readonly List<string> _texts = [];

    /// <summary>The id of <paramref name="text"/>, added when new.</summary>
    public int Id(string text) => _ids.GetOrAdd(text, t =>
    {
        lock (_texts)
        {
            _texts.Add(t);
            return _texts.Count - 1;
        }
    });

    /// <summary>Every text, by id.</summary>
    public IReadOnlyList<string> Texts
    {
        get
        {
            lock (_texts)
            {
                return [.. _texts];
            }
        }
    }
}

/// <summary>
/// Values written by the benchmark: <c>&lt;round&gt;.&lt;seq&gt;</c>. Each key is written by one connection only, with
/// rising sequence numbers, so comparing two values of a key tells which write came later. Sequence 0 is the value
/// written before the round.
/// </summary>
public static class KeyValue
{
    /// <summary>The value of write <paramref name="seq"/> in <paramref name="round"/>.</summary>
    public static string Format(int round, long seq) => $"{round.ToString(CultureInfo.InvariantCulture)}.{seq.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The sequence number of <paramref name="value"/> in <paramref name="round"/>; -1 for nil, junk or another round's value.</summary>
    public static long SeqOf(string? value, int round)
    {
        if (value is null)
        {
            return -1;
        }
        var dot = value.IndexOf('.');
        return dot > 0 &&
               int.TryParse(value.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var r) && r == round &&
               long.TryParse(value.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
            ? seq
            : -1;
    }
}

/// <summary>The benchmark's keys: random names, so that ketama spreads them over the shards as real keys would be.</summary>
public sealed class KeySet
{
    /// <summary>Makes <paramref name="count"/> distinct random names from <paramref name="seed"/>.</summary>
    public KeySet(int count, int seed)
    {
        var random = new Random(seed);
        var names = new HashSet<string>();
        var bytes = new byte[8];
        while (names.Count < count)
        {
            random.NextBytes(bytes);
            names.Add($"fb:{Convert.ToHexStringLower(bytes)}");
        }
        Names = [.. names];
    }

    /// <summary>The key names.</summary>
    public IReadOnlyList<string> Names { get; }
}

/// <summary>Per key, what its one writer knows: the last acknowledged write, and the highest one sent at all.</summary>
internal sealed class KeyState
{
    public long LastAcked;
    public long MaxSent;
}
