using System.Diagnostics;
using RedisHaLab.Probes;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.Load;

/// <summary>
/// A steady stream of writes through the proxy while faults happen, one lane per shard: each lane has its own
/// connection and writes only keys that live on its shard, so a dead shard's writes, stuck on their connection until
/// they time out, never hold up the live shard's (one shared connection did: 700-1,600 writes a scenario came out
/// "indeterminate" for the live shard). Each key is written twice, each value the write's number, so that afterwards
/// every acknowledged write can be looked for and a rollback told from a loss. Bounded in rate and in writes waiting for
/// an answer.
/// </summary>
public sealed class WriteLoad : IAsyncDisposable
{
    /// <summary>The highest rate a scenario may ask for: enough to see every outage, little enough for a 2-core machine.</summary>
    public const int MaxRatePerSecond = 2000;

    // Predicted keys checked against the running proxy at start, per shard.
    private const int CheckedKeysPerShard = 8;

    private readonly WriteLane[] _lanes;
    private readonly Stopwatch _clock;

    private WriteLoad(WriteLane[] lanes, Stopwatch clock)
    {
        _lanes = lanes;
        _clock = clock;
    }

    /// <summary>
    /// Starts writing <paramref name="ratePerSecond"/> keys a second in all (shared evenly by the shards) through the
    /// lab's front door. Each key's shard is computed from the inventory's ketama ring, and checked first: a few keys of
    /// each shard are written through the front door and read back from every shard's current master.
    /// </summary>
    /// <param name="lab">The running lab.</param>
    /// <param name="ratePerSecond">Writes a second, all shards together.</param>
    /// <param name="keyPrefix">What every key written starts with.</param>
    /// <exception cref="ChaosException">The proxy hashes otherwise, or does not send keys where the ring says.</exception>
    public static async Task<WriteLoad> StartAsync(LabView lab, int ratePerSecond, string keyPrefix)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ratePerSecond, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ratePerSecond, MaxRatePerSecond);
        var inventory = lab.Inventory;
        var ring = KetamaRing.For(inventory)
            ?? throw new ChaosException($"the write load places keys by fnv1a_64 and ketama; this proxy uses {inventory.Proxy.Hash} and {inventory.Proxy.Distribution}");
        var shards = inventory.Shards;
        var keys = shards.Select((shard, s) => new ShardKeys(ring, s, $"{keyPrefix}:{shard.Name}")).ToArray();
        await CheckPlacementAsync(lab, ring, keyPrefix);

        var perLane = Math.Max(1, ratePerSecond / shards.Count);
        var clock = Stopwatch.StartNew();
        var lanes = new WriteLane[shards.Count];
        try
        {
            for (var s = 0; s < shards.Count; s++)
            {
                lanes[s] = new WriteLane(shards[s].Name, await LabClients.ProxyAsync(lab.Endpoints.FrontDoor(inventory), lab.Password), keys[s], perLane, clock);
            }
        }
        catch
        {
            foreach (var lane in lanes.Where(l => l is not null))
            {
                await lane.DisposeAsync();
            }
            throw;
        }
        foreach (var lane in lanes)
        {
            lane.Start();
        }
        return new WriteLoad(lanes, clock);
    }

    /// <summary>How long <see cref="StopAsync"/> waits for the answers still due.</summary>
    public static TimeSpan StopWithin => WriteLane.DrainWithin;

    /// <summary>The counts so far, per shard.</summary>
    public LoadCounters Counters => new([.. _lanes.Select(l => l.Counters)]);

    /// <summary>
    /// Stops sending and waits (bounded) for the answers still due. What became of the writes is counted later, once
    /// the shards have converged (<see cref="StoppedLoad.CountAsync"/>), never through the proxy at this moment.
    /// </summary>
    public async Task<StoppedLoad> StopAsync()
    {
        var duration = _clock.Elapsed;
        var lanes = await Task.WhenAll(_lanes.Select(l => l.StopAsync(duration)));
        return new StoppedLoad(lanes, duration);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var lane in _lanes)
        {
            await lane.DisposeAsync();
        }
    }

    /// <summary>Writes a few keys of each shard through the front door and finds them on exactly their shard's current master.</summary>
    private static async Task CheckPlacementAsync(LabView lab, KetamaRing ring, string keyPrefix)
    {
        var masters = await lab.Masters.RequireAllAsync(lab.Inventory);
        var shards = lab.Inventory.Shards;
        var check = shards.SelectMany((shard, s) =>
        {
            var keys = new ShardKeys(ring, s, $"{keyPrefix}:placement:{shard.Name}");
            return Enumerable.Range(0, CheckedKeysPerShard).Select(_ => (Shard: s, Key: keys.Next()));
        }).ToList();
        try
        {
            await using var proxy = await LabClients.ProxyAsync(lab.Endpoints.FrontDoor(lab.Inventory), lab.Password);
            var db = proxy.GetDatabase();
            await Task.WhenAll(check.Select(c => db.StringSetAsync(c.Key, "placement", TimeSpan.FromMinutes(10))));
            for (var s = 0; s < shards.Count; s++)
            {
                await using var master = await LabClients.RedisAsync(lab.Endpoints.Of(masters[shards[s]]), lab.Password);
                var found = await Task.WhenAll(check.Select(c => master.GetDatabase().KeyExistsAsync(c.Key)));
                var wrong = check.Where((c, i) => found[i] != (c.Shard == s)).ToList();
                if (wrong.Count > 0)
                {
                    throw new ChaosException($"the proxy does not place keys as the inventory's ketama ring says: {wrong[0].Key} " +
                                             $"{(wrong[0].Shard == s ? "is not" : "is")} on {masters[shards[s]].Name}, master of {shards[s].Name}");
                }
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            throw new ChaosException($"cannot check where the proxy places the load's keys: {e.Message}", e);
        }
    }
}
