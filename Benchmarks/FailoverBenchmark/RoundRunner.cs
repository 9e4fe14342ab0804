using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.FailoverBenchmark;

/// <summary>
/// One failover round against a running lab: make every shard whole, write the key set, start the load, kill one
/// shard's master, wait until the shard serves again, restart the killed container and wait until it is a caught-up
/// replica, then read every key back and work out the figures.
/// </summary>
internal sealed class RoundRunner(LabSession lab, SentinelEventLog events, KeySet keySet, BenchmarkOptions options, Action<string> say)
{
    private const int Batch = 500;
    private static readonly TimeSpan WholeWithin = TimeSpan.FromSeconds(120);

    private Inventory Inventory => lab.Inventory;

    /// <summary>Runs round <paramref name="round"/> (1-based), killing shard <c>(round - 1) % shards</c>.</summary>
    public async Task<RoundData> RunAsync(int round, CancellationToken cancellationToken)
    {
        var shards = Inventory.Shards;
        var killedIndex = (round - 1) % shards.Count;
        var killedShard = shards[killedIndex];

        var masters = await WaitUntilWholeAsync(cancellationToken);
        var home = await SeedAsync(round, masters, cancellationToken);
        await WaitUntilWholeAsync(cancellationToken);

        var states = Enumerable.Range(0, keySet.Names.Count).Select(_ => new KeyState()).ToArray();
        var errors = new ErrorCatalog();
        var lanes = new List<LoadLane>();
        for (var s = 0; s < shards.Count; s++)
        {
            var shardKeys = Enumerable.Range(0, home.Length).Where(k => home[k] == s).ToList();
            for (var c = 0; c < options.ConnectionsPerShard; c++)
            {
                var laneKeys = shardKeys.Where((_, i) => i % options.ConnectionsPerShard == c).ToList();
                if (laneKeys.Count > 0)
                {
                    lanes.Add(new LoadLane(lanes.Count, s, laneKeys, keySet, states, round, lab.FrontDoor, lab.Password, options, errors,
                        HashCode.Combine(options.Seed, round, lanes.Count)));
                }
            }
        }

        var victim = masters[killedIndex];
        var replicas = killedShard.Replicas.Prepend(killedShard.Master).Where(i => i != victim).ToList();
        var roundStart = BenchClock.NowMs;
        using var stop = new CancellationTokenSource();
        var maxOperations = (int)(options.RatePerConnection * (options.Warmup + options.MaxRecovery + options.Tail + TimeSpan.FromSeconds(10)).TotalSeconds);
        var load = lanes.Select(l => Task.Run(() => l.RunAsync(maxOperations, stop.Token), CancellationToken.None)).ToList();

        await Task.Delay(options.Warmup, cancellationToken);
        say($"killing {victim.Name} (master of {killedShard.Name})");
        // Time zero is the kill call: the process dies during it, while the call itself returns ~0.1 s later.
        var killAt = BenchClock.NowMs;
        await lab.KillAsync(victim, cancellationToken);
        var killCallMs = BenchClock.NowMs - killAt;

        // The replica cannot change between the kill and its promotion (down-after alone is seconds): what it holds
        // half a second after the kill is what it will serve as master. Read it then.
        await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        var killedKeys = Enumerable.Range(0, home.Length).Where(k => home[k] == killedIndex).ToList();
        var snapshots = new Dictionary<string, Dictionary<int, long>>();
        foreach (var replica in replicas)
        {
            snapshots[replica.Name] = await ReadSeqsAsync(replica, killedKeys, round);
        }
        var snapshotDone = BenchClock.NowMs;
        var snapshotBeforePromotion = events.First("+switch-master", killedShard.SentinelMasterName, killAt) is not { } early || early.AtMs > snapshotDone;

        var recovered = await WaitForRecoveryAsync(killedShard, killedIndex, killAt, lanes, cancellationToken);
        await stop.CancelAsync();
        await Task.WhenAll(load).WaitAsync(options.OperationTimeout + TimeSpan.FromSeconds(5), cancellationToken);
        var roundEnd = BenchClock.NowMs;
        var switchMaster = events.First("+switch-master", killedShard.SentinelMasterName, killAt);
        say(recovered
            ? $"{killedShard.Name} serves again; restarting {victim.Name}"
            : $"{killedShard.Name} did not serve again within {options.MaxRecovery.TotalSeconds:0} s; restarting {victim.Name}");

        var healStart = BenchClock.NowMs;
        await lab.StartAsync(victim, cancellationToken);
        var newMasters = await WaitUntilWholeAsync(cancellationToken);
        var healMs = BenchClock.NowMs - healStart;

        var surviving = await SurvivingSeqsAsync(newMasters, home, round);
        var readBack = await ReadThroughProxyAsync(home, round, cancellationToken);

        var ops = lanes.SelectMany(l => l.Records).OrderBy(o => o.StartMs).ToList();
        var killedOutage = RoundAnalysis.OutageOf(ops.Where(o => o.Shard == killedIndex));
        var killedUntilRight = RoundAnalysis.OutageOf(ops.Where(o => o.Shard == killedIndex), o => o == OpOutcome.Ok);
        var otherOutages = Enumerable.Range(0, shards.Count).Where(s => s != killedIndex)
            .Select(s => RoundAnalysis.OutageOf(ops.Where(o => o.Shard == s))).ToList();
        var promoted = switchMaster is null ? null : PromotedName(switchMaster.Payload);
        var (lost, replicaHad) = RoundAnalysis.LostWrites(ops, surviving,
            promoted is not null && snapshots.TryGetValue(promoted, out var snapshot) ? snapshot : null);
        var writes = ops.Where(o => o.Kind == OpKind.Write).ToList();
        var reads = ops.Where(o => o.Kind == OpKind.Read).ToList();
        var errorTexts = errors.Texts;

        var result = new RoundResult
        {
            Round = round,
            KilledShard = killedShard.Name,
            KilledInstance = victim.Name,
            PromotedInstance = promoted,
            KillAtMs = killAt,
            KillCallMs = killCallMs,
            SdownAfterKillMs = events.First("+sdown", killedShard.SentinelMasterName, killAt)?.AtMs - killAt,
            OdownAfterKillMs = events.First("+odown", killedShard.SentinelMasterName, killAt)?.AtMs - killAt,
            SwitchMasterAfterKillMs = switchMaster?.AtMs - killAt,
            KilledShardOutageMs = killedOutage.Milliseconds,
            KilledShardOutageStartAfterKillMs = killedOutage.StartMs - killAt,
            KilledShardFailures = killedOutage.Failures,
            KilledShardUntilRightMs = killedUntilRight.Milliseconds,
            OtherShardOutageMs = otherOutages.Select(o => o.Milliseconds ?? double.PositiveInfinity).DefaultIfEmpty(0).Max(),
            OtherShardFailures = otherOutages.Sum(o => o.Failures),
            SwitchMasterToServingMs = killedOutage.EndMs - switchMaster?.AtMs,
            WritesAcknowledged = writes.Count(o => o.Outcome == OpOutcome.Ok),
            WritesFailed = writes.Count(o => OpOutcomes.WriteFailed(o.Outcome)),
            WritesIndeterminate = writes.Count(o => OpOutcomes.WriteIndeterminate(o.Outcome)),
            ReadsOk = reads.Count(o => o.Outcome == OpOutcome.Ok),
            ReadsNil = reads.Count(o => o.Outcome == OpOutcome.ReadMiss),
            ReadsStale = reads.Count(o => o.Outcome == OpOutcome.ReadStale),
            ReadsFailed = reads.Count(o => !OpOutcomes.Served(o.Outcome)),
            AcknowledgedWritesLost = lost,
            AcknowledgedWritesLostReplicaHad = replicaHad,
            ReplicaSnapshotBeforePromotion = snapshotBeforePromotion,
            KeysChecked = readBack.Checked,
            KeysUnreadable = readBack.Nil + readBack.Error + readBack.Older,
            KeysNil = readBack.Nil,
            KeysError = readBack.Error,
            KeysOlderValue = readBack.Older,
            KeysUnlocated = home.Count(h => h < 0),
            KeysPerShard = shards.Select((s, i) => (s.Name, Count: home.Count(h => h == i))).ToDictionary(p => p.Name, p => p.Count),
            HealMs = healMs,
            Errors = ops.Where(o => o.Error >= 0).GroupBy(o => errorTexts[o.Error]).ToDictionary(g => g.Key, g => g.Count()),
            SentinelEvents = events.Between(roundStart, roundEnd),
        };
        return new RoundData(result, ops, [.. shards.Select(s => s.Name)]);
    }

    /// <summary>Waits (bounded) until every shard is whole; returns each shard's master.</summary>
    private async Task<RedisInstance[]> WaitUntilWholeAsync(CancellationToken cancellationToken)
    {
        var deadline = BenchClock.NowMs + WholeWithin.TotalMilliseconds;
        string problem;
        do
        {
            var masters = new RedisInstance[Inventory.Shards.Count];
            problem = "";
            for (var s = 0; s < masters.Length && problem.Length == 0; s++)
            {
                var shard = Inventory.Shards[s];
                var master = await lab.CurrentMasterAsync(shard);
                if (master is null)
                {
                    problem = $"no master of {shard.Name} by ROLE or by a majority of the Sentinels";
                    break;
                }
                masters[s] = master;
                problem = await lab.ShardProblemAsync(shard, master) ?? "";
            }
            if (problem.Length == 0)
            {
                return masters;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
        while (BenchClock.NowMs < deadline);
        throw new TimeoutException($"the lab did not become whole within {WholeWithin.TotalSeconds:0} s: {problem}");
    }

    /// <summary>
    /// Writes every key through the proxy as <c>&lt;round&gt;.0</c>, then finds each key's shard by reading the masters
    /// directly: the one holding this round's value. Returns the shard index per key (-1: not found on exactly one).
    /// </summary>
    private async Task<int[]> SeedAsync(int round, RedisInstance[] masters, CancellationToken cancellationToken)
    {
        var value = KeyValue.Format(round, 0);
        var pending = Enumerable.Range(0, keySet.Names.Count).ToList();
        for (var attempt = 1; attempt <= 5 && pending.Count > 0; attempt++)
        {
            try
            {
                await using var proxy = await lab.ConnectProxyAsync();
                var db = proxy.GetDatabase();
                var failed = new List<int>();
                foreach (var chunk in pending.Chunk(Batch))
                {
                    var results = await Task.WhenAll(chunk.Select(async k =>
                    {
                        try
                        {
                            return await db.StringSetAsync(keySet.Names[k], value);
                        }
                        catch (RedisException)
                        {
                            return false;
                        }
                    }));
                    failed.AddRange(chunk.Where((_, i) => !results[i]));
                }
                pending = failed;
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                say($"writing the key set: {e.Message}; trying again");
            }
            if (pending.Count > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
        if (pending.Count > 0)
        {
            throw new InvalidOperationException($"{pending.Count} keys could not be written through the proxy before round {round}");
        }

        var home = Enumerable.Repeat(-1, keySet.Names.Count).ToArray();
        var all = Enumerable.Range(0, keySet.Names.Count).ToList();
        for (var s = 0; s < masters.Length; s++)
        {
            var seqs = await ReadSeqsAsync(masters[s], all, round);
            foreach (var (key, seq) in seqs)
            {
                if (seq == 0)
                {
                    home[key] = home[key] == -1 ? s : -2;
                }
            }
        }
        for (var k = 0; k < home.Length; k++)
        {
            home[k] = Math.Max(home[k], -1);
        }
        return home;
    }

    /// <summary>This round's sequence number of each key on one instance, read directly (MGET through its loopback port).</summary>
    private async Task<Dictionary<int, long>> ReadSeqsAsync(RedisInstance instance, IReadOnlyList<int> keys, int round)
    {
        var result = new Dictionary<int, long>();
        try
        {
            await using var redis = await lab.ConnectRedisAsync(LabSession.EndpointOf(instance));
            var db = redis.GetDatabase();
            foreach (var chunk in keys.Chunk(Batch))
            {
                var values = await db.StringGetAsync(chunk.Select(k => (RedisKey)keySet.Names[k]).ToArray());
                for (var i = 0; i < chunk.Length; i++)
                {
                    result[chunk[i]] = KeyValue.SeqOf(values[i], round);
                }
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Unreadable: the caller sees no entries for it.
        }
        return result;
    }

    /// <summary>Per key, the highest sequence number any master holds after healing.</summary>
    private async Task<Dictionary<int, long>> SurvivingSeqsAsync(RedisInstance[] masters, int[] home, int round)
    {
        var located = Enumerable.Range(0, home.Length).Where(k => home[k] >= 0).ToList();
        var surviving = located.ToDictionary(k => k, _ => -1L);
        foreach (var master in masters)
        {
            foreach (var (key, seq) in await ReadSeqsAsync(master, located, round))
            {
                surviving[key] = Math.Max(surviving[key], seq);
            }
        }
        return surviving;
    }

    /// <summary>Reads every located key through the proxy and compares it with the latest surviving value.</summary>
    private async Task<(int Checked, int Nil, int Error, int Older)> ReadThroughProxyAsync(int[] home, int round, CancellationToken cancellationToken)
    {
        var located = Enumerable.Range(0, home.Length).Where(k => home[k] >= 0).ToList();
        var masters = await WaitUntilWholeAsync(cancellationToken);
        var surviving = await SurvivingSeqsAsync(masters, home, round);
        int nil = 0, error = 0, older = 0;
        await using var proxy = await lab.ConnectProxyAsync();
        var db = proxy.GetDatabase();
        foreach (var chunk in located.Chunk(Batch))
        {
            RedisValue[]? values = null;
            for (var attempt = 1; attempt <= 3 && values is null; attempt++)
            {
                try
                {
                    // One GET per key, pipelined: the client refuses multi-key commands through twemproxy.
                    values = await Task.WhenAll(chunk.Select(k => db.StringGetAsync(keySet.Names[k])));
                }
                catch (RedisException)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
                }
            }
            if (values is null)
            {
                error += chunk.Length;
                continue;
            }
            for (var i = 0; i < chunk.Length; i++)
            {
                if (values[i].IsNull)
                {
                    nil++;
                }
                else if (KeyValue.SeqOf(values[i], round) < surviving[chunk[i]])
                {
                    older++;
                }
            }
        }
        return (located.Count, nil, error, older);
    }

    /// <summary>Waits until <c>+switch-master</c> has come and the killed shard has served since, then the tail; bounded by <see cref="BenchmarkOptions.MaxRecovery"/>.</summary>
    private async Task<bool> WaitForRecoveryAsync(Shard shard, int shardIndex, double killAt, IReadOnlyList<LoadLane> lanes, CancellationToken cancellationToken)
    {
        var deadline = killAt + options.MaxRecovery.TotalMilliseconds;
        while (BenchClock.NowMs < deadline)
        {
            var switchMaster = events.First("+switch-master", shard.SentinelMasterName, killAt);
            if (switchMaster is not null && lanes.Where(l => l.Shard == shardIndex).Any(l => l.LastServedMs > switchMaster.AtMs))
            {
                await Task.Delay(options.Tail, cancellationToken);
                return true;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
        return false;
    }

    /// <summary>The new master's container name from a <c>+switch-master</c> payload (<c>name old-host old-port new-host new-port</c>).</summary>
    private static string? PromotedName(string payload)
    {
        var fields = payload.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length == 5 ? fields[3] : null;
    }
}
