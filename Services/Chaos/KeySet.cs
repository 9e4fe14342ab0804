using StackExchange.Redis;

namespace RedisHaLab.Chaos;

/// <summary>Keys a scenario wrote through the proxy before its faults, each holding its own name, to be read back after them.</summary>
public sealed class KeySet(string prefix)
{
    // Pipelined in batches: enough to be quick, few enough that one slow batch does not hit the client's timeout.
    private const int Batch = 500;

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

    /// <summary>How many keys do not read back their value through the proxy now (an error counts as not readable).</summary>
    public async Task<int> UnreadableAsync(IDatabase proxy)
    {
        var unreadable = 0;
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
            unreadable += reads.Where((read, i) => !read.IsCompletedSuccessfully || read.Result != batch[i]).Count();
        }
        return unreadable;
    }
}
