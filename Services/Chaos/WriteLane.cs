using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace RedisHaLab.Chaos;

/// <summary>
/// One shard's part of a <see cref="WriteLoad"/>: its own connection to the front door, keys of that shard only, a
/// fixed schedule, and every write's outcome kept to be looked for afterwards.
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
    private readonly ConcurrentDictionary<string, (WriteOutcome Outcome, long AnsweredAt)> _outcomes = new();
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

    /// <summary>Stops sending, waits (bounded) for the answers due, and reads back what was acknowledged or left open.</summary>
    public async Task<ShardLoadReport> StopAsync(TimeSpan duration)
    {
        await _stop.CancelAsync();
        await _run;
        // Every write times out within the client's 2 s; allow a margin, never forever.
        var drained = Stopwatch.StartNew();
        while (_outcomes.Count < Interlocked.Read(ref _sent) && drained.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }
        var outcomes = _outcomes.ToArray();
        var acknowledged = outcomes.Where(o => o.Value.Outcome == WriteOutcome.Acknowledged).Select(o => o.Key).ToList();
        var indeterminate = outcomes.Where(o => o.Value.Outcome == WriteOutcome.Indeterminate).Select(o => o.Key).ToList();
        var lost = await NotReadableAsync(acknowledged);
        var indeterminateLost = await NotReadableAsync(indeterminate);
        return new ShardLoadReport(
            _shard,
            (int)Interlocked.Read(ref _sent),
            acknowledged.Count,
            outcomes.Count(o => o.Value.Outcome == WriteOutcome.Failed),
            indeterminate.Count,
            lost.Count,
            indeterminate.Count - indeterminateLost.Count,
            LongestGap(outcomes.Where(o => o.Value.Outcome == WriteOutcome.Acknowledged).Select(o => o.Value.AnsweredAt), duration),
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
                _ = WriteAsync(db, _keys.Next());
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    private async Task WriteAsync(IDatabase db, string key)
    {
        WriteOutcome outcome;
        try
        {
            // The value is the key itself: what reads back proves the write, whatever else a key of that name held.
            outcome = await db.StringSetAsync(key, key) ? WriteOutcome.Acknowledged : WriteOutcome.Failed;
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
        _outcomes[key] = (outcome, _clock.ElapsedTicks);
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

    private async Task<List<string>> NotReadableAsync(IReadOnlyList<string> keys)
    {
        var db = _proxy.GetDatabase();
        var missing = new List<string>();
        foreach (var batch in keys.Chunk(500))
        {
            // A read can fail for a moment (the proxy restarting); only a read that answers, wrongly, proves a loss.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var values = await Task.WhenAll(batch.Select(k => db.StringGetAsync(k)));
                    missing.AddRange(batch.Where((k, i) => values[i] != k));
                    break;
                }
                catch (Exception e) when ((e is RedisException or TimeoutException) && attempt < 5)
                {
                    await Task.Delay(500);
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    throw new ChaosException($"cannot read the load's writes of {_shard} back through the proxy: {e.Message}", e);
                }
            }
        }
        return missing;
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
