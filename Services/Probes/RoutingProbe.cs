using System.Diagnostics;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.Probes;

/// <summary>One probe key written through the front door: the current masters found holding it, or why the write failed.</summary>
/// <param name="Key">The key; its value is its own name.</param>
/// <param name="FoundOn">The shards' current masters that hold it, read there directly.</param>
/// <param name="WriteError">Why the front door did not acknowledge it; null when it did.</param>
public sealed record ProbeKey(string Key, IReadOnlyList<RedisInstance> FoundOn, string? WriteError);

/// <summary>
/// Where the proxy really sends a shard, by data: fresh keys written through the front door, each read back directly
/// from every shard's current master at its loopback address. What the proxy's config files say plays no part: a file
/// can say one thing while nutcracker runs another.
/// </summary>
public static class RoutingProbe
{
    /// <summary>At most this many probe keys per check: with two shards the first key misses a given one half the time, 256 in a row never.</summary>
    public const int MaxKeys = 256;

    // Written and read in small batches: one round trip each, and few keys wasted once one lands where it should.
    private const int Batch = 16;

    // A front door that refuses this many writes is not routing the shard anywhere useful; no need to try all 256.
    private const int MaxFailedWrites = 32;

    // Probes expire on their own, so that checks never fill the lab.
    private static readonly TimeSpan KeyLifetime = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Null when probe keys written through <paramref name="frontDoor"/> each land on exactly one of
    /// <paramref name="masters"/> and at least one lands on <paramref name="shard"/>'s; else what the keys showed. Stops
    /// writing after <see cref="MaxKeys"/> keys or once <paramref name="within"/> has passed.
    /// </summary>
    /// <param name="frontDoor">The proxy, at the lab's front door.</param>
    /// <param name="shard">The shard whose routing is checked.</param>
    /// <param name="masters">Every shard's current master (see <see cref="ShardMasters"/>).</param>
    /// <param name="within">How long to keep writing probe keys before giving up.</param>
    /// <param name="endpoints">Where the lab's instances answer on its site.</param>
    /// <param name="password">The lab's password, null when it has no authentication.</param>
    public static async Task<string?> ProblemAsync(IDatabase frontDoor, Shard shard, IReadOnlyDictionary<Shard, RedisInstance> masters, TimeSpan within, LabEndpoints endpoints, string? password)
    {
        var clock = Stopwatch.StartNew();
        var readers = new List<(RedisInstance Master, ConnectionMultiplexer Connection)>();
        try
        {
            foreach (var master in masters.Values.Distinct())
            {
                try
                {
                    readers.Add((master, await LabClients.RedisAsync(endpoints.Of(master), password)));
                }
                catch (Exception e) when (LabClients.IsUnreachable(e))
                {
                    return $"cannot read from {master.Name}, a current master, at {endpoints.Of(master)}: {e.Message}";
                }
            }
            var probes = new List<ProbeKey>();
            var id = Guid.NewGuid().ToString("N")[..12];
            while (true)
            {
                // Random tails spread the keys over the ketama ring (numbered keys cluster on one shard; see RoutingWatch).
                var keys = Enumerable.Range(probes.Count, Batch).Select(i => $"redis-ha-lab:probe:{id}:{i}:{Guid.NewGuid():N}").ToList();
                try
                {
                    probes.AddRange(await ProbeAsync(frontDoor, keys, readers));
                }
                catch (Exception e) when (LabClients.IsUnreachable(e))
                {
                    return $"reading probe keys back from the current masters failed: {e.Message}";
                }
                var outOfTries = probes.Count >= MaxKeys || probes.Count(p => p.WriteError is not null) >= MaxFailedWrites || clock.Elapsed >= within;
                var (done, problem) = Judge(shard, masters, probes, outOfTries);
                if (done)
                {
                    return problem;
                }
            }
        }
        finally
        {
            foreach (var (_, connection) in readers)
            {
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// The verdict on the probes so far: done with a problem as soon as an acknowledged key is on no current master or
    /// on several; done without one once a key is on <paramref name="shard"/>'s master; else not done, unless
    /// <paramref name="outOfTries"/>, when the missing landing is the problem.
    /// </summary>
    public static (bool Done, string? Problem) Judge(Shard shard, IReadOnlyDictionary<Shard, RedisInstance> masters, IReadOnlyList<ProbeKey> probes, bool outOfTries)
    {
        var master = masters[shard];
        var misplaced = probes.FirstOrDefault(p => p.WriteError is null && p.FoundOn.Count != 1);
        if (misplaced is not null)
        {
            var where = misplaced.FoundOn.Count == 0
                ? $"on none of the current masters ({string.Join(", ", masters.Values.Distinct().Select(m => m.Name))})"
                : $"on {misplaced.FoundOn.Count} masters at once ({string.Join(", ", misplaced.FoundOn.Select(m => m.Name))})";
            return (true, $"probe key {misplaced.Key}, acknowledged by the front door, is {where}");
        }
        if (probes.Any(p => p.WriteError is null && p.FoundOn[0] == master))
        {
            return (true, null);
        }
        return outOfTries
            ? (true, $"none of {probes.Count} probe keys written through the front door landed on {master.Name}, the current master of {shard.Name}: {Summary(probes)}")
            : (false, null);
    }

    /// <summary>Where the probes went, e.g. <c>9 on node22-redis-4501; 7 writes failed (READONLY ...)</c>.</summary>
    public static string Summary(IReadOnlyList<ProbeKey> probes)
    {
        var landed = probes.Where(p => p.WriteError is null && p.FoundOn.Count == 1)
            .GroupBy(p => p.FoundOn[0].Name)
            .Select(g => $"{g.Count()} on {g.Key}");
        var failed = probes.Where(p => p.WriteError is not null)
            .GroupBy(p => p.WriteError)
            .Select(g => $"{g.Count()} writes failed ({g.Key})");
        return string.Join("; ", landed.Concat(failed));
    }

    // The client's messages go on with its whole state and the key; what comes before the details names the error.
    private static string Shorten(string message)
    {
        var end = message.IndexOfAny(['(', ';', ',', '\n']);
        return (end > 0 ? message[..end] : message).Trim();
    }

    private static async Task<IReadOnlyList<ProbeKey>> ProbeAsync(IDatabase frontDoor, IReadOnlyList<string> keys, IReadOnlyList<(RedisInstance Master, ConnectionMultiplexer Connection)> readers)
    {
        var errors = await Task.WhenAll(keys.Select(async key =>
        {
            try
            {
                return await frontDoor.StringSetAsync(key, key, KeyLifetime) ? null : "not acknowledged";
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                return Shorten(e.Message);
            }
        }));
        var written = keys.Where((_, i) => errors[i] is null).ToList();
        var holders = new Dictionary<string, List<RedisInstance>>();
        foreach (var key in written)
        {
            holders[key] = [];
        }
        foreach (var (master, connection) in readers)
        {
            var db = connection.GetDatabase();
            var values = await Task.WhenAll(written.Select(k => db.StringGetAsync(k)));
            for (var i = 0; i < written.Count; i++)
            {
                if (values[i] == written[i])
                {
                    holders[written[i]].Add(master);
                }
            }
        }
        return keys.Select((key, i) => new ProbeKey(key, holders.TryGetValue(key, out var on) ? on : [], errors[i])).ToList();
    }
}
