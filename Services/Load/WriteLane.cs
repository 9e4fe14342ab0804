using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using StackExchange.Redis;
using RedisHaLab.Topology;

namespace RedisHaLab.Load;

/// <summary>
/// One shard's part of a <see cref="WriteLoad"/>: its own connection to the front door, keys of that shard only, a
/// fixed schedule, and every write's outcome kept to be looked for afterwards. Each key is written twice (writes 2k and
/// 2k+1, each value its write number, one after the other on the lane's one connection), so that a key found holding
/// the first value while the second was acknowledged shows a rollback (see <see cref="WriteAccounting"/>).
/// </summary>
internal sealed partial class WriteLane : IAsyncDisposable
{
    // A write waits at most the client's timeout (2 s); at the top rate that is this many answers outstanding.
    private const int MaxInFlight = 4096;

    private readonly string _shard;
    private readonly ConnectionMultiplexer _proxy;
    private readonly ShardKeys _keys;
    private readonly int _ratePerSecond;
    private readonly Stopwatch _clock;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _inFlight = new(MaxInFlight, MaxInFlight);
    private readonly ConcurrentDictionary<long, (LaneWrite Write, long AnsweredAt)> _outcomes = new();
    private readonly ConcurrentDictionary<string, int> _errors = new();
    private Task _run = Task.CompletedTask;
    private long _sent;
    private long _acknowledged;
    private long _failed;
    private long _indeterminate;

    public WriteLane(string shard, ConnectionMultiplexer proxy, ShardKeys keys, int ratePerSecond, Stopwatch clock)
    {
        _shard = shard;
        _proxy = proxy;
        _keys = keys;
        _ratePerSecond = ratePerSecond;
        _clock = clock;
    }

    public ShardCounters Counters => new(_shard, Interlocked.Read(ref _sent), Interlocked.Read(ref _acknowledged),
        Interlocked.Read(ref _failed), Interlocked.Read(ref _indeterminate));

    public void Start() => _run = Task.Run(RunAsync);

    /// <summary>How long a stop waits for the answers still due: every write times out within the client's 2 s; a margin, never forever.</summary>
    internal static readonly TimeSpan DrainWithin = TimeSpan.FromSeconds(10);

    /// <summary>Stops sending and waits (bounded) for the answers due; what became of the writes is counted later, at convergence.</summary>
    public async Task<LaneRecord> StopAsync(TimeSpan duration)
    {
        await _stop.CancelAsync();
        await _run;
        var drained = Stopwatch.StartNew();
        while (_outcomes.Count < Interlocked.Read(ref _sent) && drained.Elapsed < DrainWithin)
        {
            await Task.Delay(50);
        }
        var outcomes = _outcomes.Values.ToArray();
        return new LaneRecord(
            _shard,
            (int)Interlocked.Read(ref _sent),
            [.. outcomes.Select(o => o.Write).OrderBy(w => w.Number)],
            LongestGap(outcomes.Where(o => o.Write.Outcome == WriteOutcome.Acknowledged).Select(o => o.AnsweredAt), duration),
            new Dictionary<string, int>(_errors));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        await _proxy.DisposeAsync();
        _stop.Dispose();
        _inFlight.Dispose();
    }

    private async Task RunAsync()
    {
        var db = _proxy.GetDatabase();
        var started = _clock.Elapsed;
        try
        {
            var key = "";
            for (long n = 0; !_stop.IsCancellationRequested; n++)
            {
                // Keep to the schedule: a write is due at n / rate seconds, however long the previous ones took.
                var due = started + TimeSpan.FromSeconds(n / (double)_ratePerSecond) - _clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, _stop.Token);
                }
                await _inFlight.WaitAsync(_stop.Token);
                Interlocked.Increment(ref _sent);
                key = n % 2 == 0 ? _keys.Next() : key;
                _ = WriteAsync(db, n, key);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    private async Task WriteAsync(IDatabase db, long number, string key)
    {
        WriteOutcome outcome;
        try
        {
            // The value is the write's number: what the key holds at the end tells which of its two writes survived.
            outcome = await db.StringSetAsync(key, number.ToString(System.Globalization.CultureInfo.InvariantCulture)) ? WriteOutcome.Acknowledged : WriteOutcome.Failed;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            outcome = WriteOutcomes.Classify(e);
            _errors.AddOrUpdate($"{outcome}: {Shorten(e.Message)}", 1, (_, count) => count + 1);
        }
        finally
        {
            _inFlight.Release();
        }
        _outcomes[number] = (new LaneWrite(number, key, outcome), _clock.ElapsedTicks);
        switch (outcome)
        {
            case WriteOutcome.Acknowledged:
                Interlocked.Increment(ref _acknowledged);
                break;
            case WriteOutcome.Failed:
                Interlocked.Increment(ref _failed);
                break;
            default:
                Interlocked.Increment(ref _indeterminate);
                break;
        }
    }

    // The client's messages carry its whole state and the key; what is left before the details names the error.
    private static string Shorten(string message)
    {
        var end = message.IndexOfAny(['(', ';', ',', '\n']);
        return KeyPattern().Replace(end > 0 ? message[..end] : message, "<key>").Trim();
    }

    [GeneratedRegex(@"load:\S+")]
    private static partial Regex KeyPattern();

    private static TimeSpan LongestGap(IEnumerable<long> answeredAt, TimeSpan duration)
    {
        var times = answeredAt.Order().Select(t => TimeSpan.FromSeconds(t / (double)Stopwatch.Frequency)).ToList();
        if (times.Count == 0)
        {
            return duration;
        }
        // Before the first answer and after the last count too: an outage may start the load or end it.
        return times.Zip(times.Skip(1), (a, b) => b - a).Append(times[0]).Append(duration - times[^1]).Max();
    }
}

/// <summary>A stopped lane's writes, not yet counted: counting waits until the shard has converged.</summary>
/// <param name="Shard">The shard's name.</param>
/// <param name="Sent">Writes sent.</param>
/// <param name="Writes">Every write answered (or given up on), in order.</param>
/// <param name="LongestGap">The longest stretch between two acknowledged writes of the lane.</param>
/// <param name="Errors">Each distinct error message with how often it came.</param>
public sealed record LaneRecord(string Shard, int Sent, IReadOnlyList<LaneWrite> Writes, TimeSpan LongestGap, IReadOnlyDictionary<string, int> Errors);
