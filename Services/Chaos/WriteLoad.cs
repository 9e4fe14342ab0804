using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace RedisHaLab.Chaos;

/// <summary>
/// A steady stream of writes through the proxy while faults happen: each write a new key, so that afterwards every
/// acknowledged one can be looked for. Bounded in rate and in writes waiting for an answer.
/// </summary>
public sealed partial class WriteLoad : IAsyncDisposable
{
    /// <summary>The highest rate a scenario may ask for: enough to see every outage, little enough for a 2-core machine.</summary>
    public const int MaxRatePerSecond = 2000;

    // A write waits at most the client's timeout (2 s); at the top rate that is this many answers outstanding.
    private const int MaxInFlight = 4096;

    private readonly ConnectionMultiplexer _proxy;
    private readonly string _prefix;
    private readonly int _ratePerSecond;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _inFlight = new(MaxInFlight, MaxInFlight);
    private readonly ConcurrentDictionary<long, (WriteOutcome Outcome, long AnsweredAt)> _outcomes = new();
    private readonly ConcurrentDictionary<string, int> _errors = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _run;
    private long _sent;
    private long _acknowledged;
    private long _failed;
    private long _indeterminate;

    private WriteLoad(ConnectionMultiplexer proxy, string prefix, int ratePerSecond)
    {
        _proxy = proxy;
        _prefix = prefix;
        _ratePerSecond = ratePerSecond;
        _run = Task.Run(RunAsync);
    }

    /// <summary>Starts writing <paramref name="ratePerSecond"/> keys a second through <paramref name="frontDoor"/>.</summary>
    /// <param name="frontDoor">The proxy, at the lab's front door.</param>
    /// <param name="password">The lab's password, null when it has no authentication.</param>
    /// <param name="ratePerSecond">Writes a second.</param>
    /// <param name="keyPrefix">What every key written starts with.</param>
    public static async Task<WriteLoad> StartAsync(IPEndPoint frontDoor, string? password, int ratePerSecond, string keyPrefix)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ratePerSecond, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ratePerSecond, MaxRatePerSecond);
        return new WriteLoad(await LabClients.ProxyAsync(frontDoor, password), keyPrefix, ratePerSecond);
    }

    /// <summary>The counts so far: sent, and answered by outcome.</summary>
    public LoadCounters Counters => new(Interlocked.Read(ref _sent), Interlocked.Read(ref _acknowledged),
        Interlocked.Read(ref _failed), Interlocked.Read(ref _indeterminate));

    /// <summary>
    /// Stops sending, waits (bounded) for the answers still due, then reads back every acknowledged and indeterminate
    /// write through the proxy. Call it once the lab has healed: a key that does not read back then is lost.
    /// </summary>
    public async Task<LoadReport> StopAsync()
    {
        await _stop.CancelAsync();
        await _run;
        var duration = _clock.Elapsed;
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
        return new LoadReport(
            (int)Interlocked.Read(ref _sent),
            acknowledged.Count,
            outcomes.Count(o => o.Value.Outcome == WriteOutcome.Failed),
            indeterminate.Count,
            lost.Count,
            indeterminate.Count - indeterminateLost.Count,
            LongestGap(outcomes.Where(o => o.Value.Outcome == WriteOutcome.Acknowledged).Select(o => o.Value.AnsweredAt), duration),
            duration,
            new Dictionary<string, int>(_errors));
    }

    /// <inheritdoc />
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
        try
        {
            for (long n = 0; !_stop.IsCancellationRequested; n++)
            {
                // Keep to the schedule: a write is due at n / rate seconds, however long the previous ones took.
                var due = TimeSpan.FromSeconds(n / (double)_ratePerSecond) - _clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, _stop.Token);
                }
                await _inFlight.WaitAsync(_stop.Token);
                Interlocked.Increment(ref _sent);
                _ = WriteAsync(db, n);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    private async Task WriteAsync(IDatabase db, long n)
    {
        WriteOutcome outcome;
        try
        {
            outcome = await db.StringSetAsync(Key(n), Value(n)) ? WriteOutcome.Acknowledged : WriteOutcome.Failed;
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
        _outcomes[n] = (outcome, _clock.ElapsedTicks);
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

    private async Task<List<long>> NotReadableAsync(IReadOnlyList<long> writes)
    {
        var db = _proxy.GetDatabase();
        var missing = new List<long>();
        foreach (var batch in writes.Chunk(500))
        {
            // A read can fail for a moment (the proxy restarting); only a read that answers, wrongly, proves a loss.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var values = await Task.WhenAll(batch.Select(n => db.StringGetAsync(Key(n))));
                    missing.AddRange(batch.Where((n, i) => values[i] != Value(n)));
                    break;
                }
                catch (Exception e) when ((e is RedisException or TimeoutException) && attempt < 5)
                {
                    await Task.Delay(500);
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    throw new ChaosException($"cannot read the load's writes back through the proxy: {e.Message}", e);
                }
            }
        }
        return missing;
    }

    private string Key(long n) => $"{_prefix}:{n}";

    private static string Value(long n) => n.ToString(CultureInfo.InvariantCulture);

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
