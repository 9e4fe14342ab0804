using RedisHaLab.Probes;
using StackExchange.Redis;

namespace RedisHaLab.Load;

/// <summary>Keys a scenario wrote through the proxy before its faults, each holding its own name, to be read back after them.</summary>
public sealed class KeySet(string prefix)
{
    // Pipelined in batches: enough to be quick, few enough that one slow batch does not hit the client's timeout. Beside
    // a second lab, 5,000 at once sat 2.9 s (writes) and 2.3 s (reads) in the proxy's queue, past a 2 s timeout; 250 at
    // a time passed there (FailoverTests).
    public const int Batch = 250;

    private readonly List<string> _keys = [];

    /// <summary>How many keys were written.</summary>
    public int Count => _keys.Count;

    /// <summary>Writes <paramref name="count"/> new keys through the proxy; every one must be acknowledged.</summary>
    /// <exception cref="ChaosException">Some write was not acknowledged.</exception>
    public async Task WriteAsync(IDatabase proxy, int count)
    {
        var keys = Enumerable.Range(_keys.Count, count).Select(i => $"{prefix}:{i}").ToList();
        foreach (var batch in keys.Chunk(Batch))
        {
            try
            {
                var written = await Task.WhenAll(batch.Select(k => proxy.StringSetAsync(k, k)));
                if (written.Any(w => !w))
                {
                    throw new ChaosException($"{written.Count(w => !w)} of {batch.Length} writes through the proxy were not acknowledged");
                }
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                throw new ChaosException($"writing keys through the proxy failed: {e.Message}", e);
            }
        }
        _keys.AddRange(keys);
    }

    /// <summary>
    /// How many of the keys <paramref name="instance"/> (one Redis server, asked directly) holds with their value: on a
    /// shard's master, the keys of that shard that survived.
    /// </summary>
    public async Task<int> CountHeldAsync(IDatabase instance)
    {
        var held = 0;
        foreach (var batch in _keys.Chunk(Batch))
        {
            var values = await Task.WhenAll(batch.Select(k => instance.StringGetAsync(k)));
            held += batch.Where((k, i) => values[i] == k).Count();
        }
        return held;
    }

    /// <summary>
    /// Reads every key back through the proxy now: how many do not read back their value, split into the ones the
    /// proxy answered as missing (the data is gone, or it routes to an instance without it) and the ones that failed.
    /// </summary>
    public async Task<KeyReadback> ReadBackAsync(IDatabase proxy)
    {
        var missing = 0;
        var wrong = 0;
        var failed = 0;
        string? firstError = null;
        foreach (var batch in _keys.Chunk(Batch))
        {
            var reads = batch.Select(k => proxy.StringGetAsync(k)).ToList();
            try
            {
                await Task.WhenAll(reads);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // Counted below, read by read.
            }
            for (var i = 0; i < batch.Length; i++)
            {
                if (!reads[i].IsCompletedSuccessfully)
                {
                    failed++;
                    firstError ??= reads[i].Exception?.GetBaseException().Message;
                }
                else if (reads[i].Result.IsNull)
                {
                    missing++;
                }
                else if (reads[i].Result != batch[i])
                {
                    wrong++;
                }
            }
        }
        return new KeyReadback(_keys.Count, missing, wrong, failed, firstError);
    }
}

/// <summary>What reading a <see cref="KeySet"/> back found.</summary>
/// <param name="Count">Keys read.</param>
/// <param name="Missing">Keys the proxy answered as absent.</param>
/// <param name="Wrong">Keys holding another value than their own name.</param>
/// <param name="Failed">Reads that failed or timed out.</param>
/// <param name="FirstError">The first failed read's error, for the message.</param>
public sealed record KeyReadback(int Count, int Missing, int Wrong, int Failed, string? FirstError)
{
    /// <summary>Keys that did not read back their value.</summary>
    public int Unreadable => Missing + Wrong + Failed;

    /// <inheritdoc />
    public override string ToString()
    {
        var parts = new List<string>();
        if (Missing > 0) parts.Add($"{Missing} answered as missing");
        if (Wrong > 0) parts.Add($"{Wrong} holding another value");
        if (Failed > 0) parts.Add($"{Failed} failed ({FirstError})");
        return $"{Unreadable} of {Count} keys unreadable" + (parts.Count == 0 ? "" : $": {string.Join(", ", parts)}");
    }
}
