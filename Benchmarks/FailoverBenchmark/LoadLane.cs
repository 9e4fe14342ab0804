using System.Net;

namespace RedisHaLab.FailoverBenchmark;

/// <summary>
/// One client connection of the load: at a fixed rate it writes or reads (alternately) a random key of its own, one
/// operation at a time, and records every operation. Its keys all lived on one shard when the round began, so an
/// operation stuck on a dead shard never holds up another shard's keys in this client.
/// </summary>
internal sealed class LoadLane(
    int id,
    int shard,
    IReadOnlyList<int> keys,
    KeySet keySet,
    KeyState[] states,
    int round,
    IPEndPoint frontDoor,
    string? password,
    BenchmarkOptions options,
    ErrorCatalog errors,
    int seed)
{
    private readonly Random _random = new(seed);
    private RespConnection? _connection;

    /// <summary>Every operation, in order.</summary>
    public List<OpRecord> Records { get; } = [];

    private double _lastServedMs = double.NegativeInfinity;

    /// <summary>When an operation of this lane was last served (any thread may read it while the lane runs).</summary>
    public double LastServedMs => Volatile.Read(ref _lastServedMs);

    /// <summary>The shard this lane's keys lived on when the round began.</summary>
    public int Shard => shard;

    /// <summary>Runs until <paramref name="stop"/> fires or <paramref name="maxOperations"/> are done; an operation under way is finished, not cut.</summary>
    public async Task RunAsync(int maxOperations, CancellationToken stop)
    {
        var interval = 1000.0 / options.RatePerConnection;
        var next = BenchClock.NowMs;
        try
        {
            for (var n = 0; n < maxOperations && !stop.IsCancellationRequested; n++)
            {
                var wait = next - BenchClock.NowMs;
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(wait), stop);
                }
                // Fixed rate, no catching up: after a slow operation the schedule resumes from now, without a burst.
                next = Math.Max(next + interval, BenchClock.NowMs);
                var key = keys[_random.Next(keys.Count)];
                var record = n % 2 == 0 ? await WriteAsync(key) : await ReadAsync(key);
                Records.Add(record);
                if (OpOutcomes.Served(record.Outcome))
                {
                    Volatile.Write(ref _lastServedMs, record.EndMs);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped between two operations.
        }
        finally
        {
            _connection?.Dispose();
        }
    }

    private async Task<OpRecord> WriteAsync(int key)
    {
        var state = states[key];
        var seq = state.MaxSent + 1;
        state.MaxSent = seq;
        var (start, end, outcome, reply, error) = await ExecuteAsync(RespConnection.Encode("SET", keySet.Names[key], KeyValue.Format(round, seq)));
        if (outcome == OpOutcome.Ok && reply.Kind != RespReplyKind.Status)
        {
            outcome = OpOutcome.ErrorReply;
            error = errors.Id($"unexpected reply to SET: {reply.Kind} {reply.Text}");
        }
        if (outcome == OpOutcome.Ok)
        {
            state.LastAcked = seq;
        }
        return new OpRecord(start, end, id, shard, OpKind.Write, outcome, key, seq, error);
    }

    private async Task<OpRecord> ReadAsync(int key)
    {
        var state = states[key];
        var (start, end, outcome, reply, error) = await ExecuteAsync(RespConnection.Encode("GET", keySet.Names[key]));
        var seq = -1L;
        if (outcome == OpOutcome.Ok)
        {
            seq = KeyValue.SeqOf(reply.Text, round);
            outcome = reply.Kind switch
            {
                RespReplyKind.Nil => OpOutcome.ReadMiss,
                // The latest acknowledged value, or a later one whose write went unanswered but did happen.
                RespReplyKind.Bulk when seq >= state.LastAcked && seq <= state.MaxSent => OpOutcome.Ok,
                RespReplyKind.Bulk => OpOutcome.ReadStale,
                _ => OpOutcome.ErrorReply,
            };
            if (outcome == OpOutcome.ErrorReply)
            {
                error = errors.Id($"unexpected reply to GET: {reply.Kind} {reply.Text}");
            }
        }
        return new OpRecord(start, end, id, shard, OpKind.Read, outcome, key, seq, error);
    }

    /// <summary>Sends one command on the lane's connection, (re)connecting first when needed.</summary>
    private async Task<(double Start, double End, OpOutcome Outcome, RespReply Reply, int Error)> ExecuteAsync(byte[] request)
    {
        var start = BenchClock.NowMs;
        using var timeout = new CancellationTokenSource(options.OperationTimeout);
        if (_connection is { ClosedByPeer: true })
        {
            // The proxy restarted while this connection was idle: a client notices before it sends.
            Drop();
        }
        if (_connection is null)
        {
            try
            {
                _connection = await RespConnection.ConnectAsync(frontDoor, password, timeout.Token);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
            {
                return (start, BenchClock.NowMs, OpOutcome.NotSent, default, errors.Id($"connect: {Describe(e)}"));
            }
        }
        try
        {
            var reply = await _connection.ExecuteAsync(request, timeout.Token);
            return reply.Kind == RespReplyKind.Error
                ? (start, BenchClock.NowMs, OpOutcome.ErrorReply, reply, errors.Id(reply.Text ?? "error"))
                : (start, BenchClock.NowMs, OpOutcome.Ok, reply, -1);
        }
        catch (OperationCanceledException)
        {
            // A late reply must never be read as the answer to the next command: close the connection.
            Drop();
            return (start, BenchClock.NowMs, OpOutcome.Timeout, default, errors.Id($"no reply within {options.OperationTimeout.TotalMilliseconds:0} ms"));
        }
        catch (IOException e)
        {
            Drop();
            return (start, BenchClock.NowMs, OpOutcome.ConnectionLost, default, errors.Id($"connection lost: {e.Message}"));
        }
    }

    private void Drop()
    {
        _connection?.Dispose();
        _connection = null;
    }

    private static string Describe(Exception e) => e switch
    {
        System.Net.Sockets.SocketException s => s.SocketErrorCode.ToString(),
        OperationCanceledException => "timed out",
        _ => e.Message,
    };
}
