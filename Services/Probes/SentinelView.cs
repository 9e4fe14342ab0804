using System.Globalization;
using System.Net;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.Probes;

/// <summary>Who masters a shard, as a majority of the inventory's Sentinels says; null with the answers when none has a majority.</summary>
/// <param name="Master">The instance more than half of the inventory's Sentinels name.</param>
/// <param name="Votes">How many Sentinels named the leading instance.</param>
/// <param name="Needed">More than half of the inventory's Sentinels, reachable or not.</param>
/// <param name="Answers">Every Sentinel's answer, for messages.</param>
public sealed record MasterVote(RedisInstance? Master, int Votes, int Needed, string Answers)
{
    /// <inheritdoc />
    public override string ToString() => Master is null
        ? $"no majority ({Votes} of {Needed} needed agree: {Answers})"
        : $"{Master.Name} ({Votes} of {Needed} needed: {Answers})";
}

/// <summary>What one Sentinel names as a master right after an announcement, or why it did not answer.</summary>
/// <param name="Sentinel">The Sentinel's container name.</param>
/// <param name="MasterHost">The master's host as the Sentinel names it (a container name in this lab).</param>
/// <param name="MasterPort">The master's port.</param>
/// <param name="ConfigEpoch">The master's config epoch as the Sentinel holds it.</param>
/// <param name="Problem">Why it did not answer; null when it did.</param>
public sealed record AnnouncementOutcome(string Sentinel, string? MasterHost, long MasterPort, long ConfigEpoch, string? Problem)
{
    /// <summary>True when the Sentinel now holds exactly what <paramref name="hello"/> announced: its address at its epoch.</summary>
    public bool Adopted(SentinelHello hello) =>
        Problem is null && MasterPort == hello.MasterPort && ConfigEpoch == hello.MasterConfigEpoch &&
        string.Equals(MasterHost, hello.MasterHost, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override string ToString() => Problem is null ? $"{Sentinel}: {MasterHost}:{MasterPort} at epoch {ConfigEpoch}" : $"{Sentinel}: {Problem}";
}

/// <summary>One Sentinel's view of a shard: its master and replicas as <c>host:port</c>, and the run ids of the Sentinels it knows.</summary>
public sealed record SentinelShardView(string Sentinel, string? Master, IReadOnlyList<string> Replicas, IReadOnlyList<string> SentinelRunIds, string? Problem)
{
    /// <summary>
    /// Null when this Sentinel names <paramref name="master"/> with exactly <paramref name="replicas"/> and knows no
    /// forged Sentinel, else how it differs.
    /// </summary>
    public string? Difference(RedisInstance master, IReadOnlyCollection<RedisInstance> replicas)
    {
        if (Problem is not null)
        {
            return $"{Sentinel} does not answer: {Problem}";
        }
        var expected = replicas.Select(r => $"{r.Name}:{r.Port}").Order(StringComparer.OrdinalIgnoreCase).ToList();
        var seen = Replicas.Order(StringComparer.OrdinalIgnoreCase).ToList();
        if (!string.Equals(Master, $"{master.Name}:{master.Port}", StringComparison.OrdinalIgnoreCase))
        {
            return $"{Sentinel} names {Master} as master, not {master.Name}:{master.Port}";
        }
        if (!seen.SequenceEqual(expected, StringComparer.OrdinalIgnoreCase))
        {
            return $"{Sentinel} lists replicas [{string.Join(", ", seen)}], not [{string.Join(", ", expected)}]";
        }
        return SentinelRunIds.Contains(SentinelHello.ForgerRunId, StringComparer.OrdinalIgnoreCase)
            ? $"{Sentinel} still knows the forged Sentinel {SentinelHello.ForgerRunId}"
            : null;
    }

    /// <inheritdoc />
    public override string ToString() => Problem is null
        ? $"{Sentinel}: {Master} with [{string.Join(", ", Replicas)}]"
        : $"{Sentinel}: {Problem}";
}

/// <summary>
/// The Sentinels of the inventory, asked through their loopback ports: who masters each shard, whether they see the
/// lab as the inventory describes it, to fail a shard over by hand, and to hear an announcement as any client can make one.
/// </summary>
public sealed class SentinelView(Inventory inventory, string? password, LabEndpoints endpoints)
{
    /// <summary>The lab's password, null when it has no authentication: every Sentinel and Redis instance asks for it.</summary>
    public string? Password => password;

    /// <summary>Where the Sentinels, and the instances they name, answer on the lab's site.</summary>
    public LabEndpoints Endpoints => endpoints;

    /// <summary>
    /// Asks every Sentinel at once for the shard's master and maps the host name it reports (a container name such as
    /// <c>node24-redis-4500</c>) to the inventory's instance. The majority is of all Sentinels of the inventory, so one
    /// left alone behind a partition cannot outvote the rest.
    /// </summary>
    public async Task<MasterVote> MasterOfAsync(Shard shard)
    {
        var answers = await Task.WhenAll(inventory.Sentinels.Instances.Select(s => AskMasterAsync(s, shard)));
        var needed = inventory.Sentinels.Majority;
        var leader = answers.Where(a => a.Master is not null)
            .GroupBy(a => a.Master!)
            .Select(g => (Master: g.Key, Votes: g.Count()))
            .OrderByDescending(t => t.Votes)
            .FirstOrDefault();
        var summary = string.Join("; ", answers.Select(a => $"{a.Sentinel}: {a.Text}"));
        return new MasterVote(leader.Votes >= needed ? leader.Master : null, leader.Votes, needed, summary);
    }

    /// <summary>
    /// <c>SENTINEL FAILOVER</c> for the shard, sent to each Sentinel in turn until one accepts; returns the one that did.
    /// A Sentinel refuses while a failover is in progress or while it knows no replica fit to promote.
    /// </summary>
    public async Task<string> FailoverAsync(Shard shard)
    {
        var refusals = new List<string>();
        foreach (var sentinel in inventory.Sentinels.Instances)
        {
            try
            {
                await using var connection = await LabClients.SentinelAsync(endpoints.Of(sentinel), password);
                await connection.GetServer(endpoints.Of(sentinel)).SentinelFailoverAsync(shard.SentinelMasterName);
                return sentinel.Name;
            }
            catch (Exception e) when (LabClients.IsUnreachable(e))
            {
                refusals.Add($"{sentinel.Name}: {e.Message}");
            }
        }
        throw new ChaosException($"no Sentinel accepted SENTINEL FAILOVER {shard.SentinelMasterName}: {string.Join("; ", refusals)}");
    }

    /// <summary>
    /// Every way the Sentinels' view differs from the inventory's starting state: a Sentinel that does not answer, a shard
    /// whose master is not the inventory's, flagged down, or missing replicas or fellow Sentinels. Empty when all agree.
    /// </summary>
    public async Task<IReadOnlyList<string>> DifferencesFromInventoryAsync()
    {
        var perSentinel = await Task.WhenAll(inventory.Sentinels.Instances.Select(DifferencesSeenByAsync));
        return perSentinel.SelectMany(d => d).ToList();
    }

    /// <summary>The shard's config epoch (<c>SENTINEL MASTER</c>, field <c>config-epoch</c>) as each Sentinel that answers reports it.</summary>
    public async Task<IReadOnlyList<long>> ConfigEpochsAsync(Shard shard)
    {
        var answers = await Task.WhenAll(inventory.Sentinels.Instances.Select(async sentinel =>
        {
            try
            {
                await using var connection = await LabClients.SentinelAsync(endpoints.Of(sentinel), password);
                var master = Fields(await connection.GetServer(endpoints.Of(sentinel)).SentinelMasterAsync(shard.SentinelMasterName));
                return long.TryParse(master.GetValueOrDefault("config-epoch"), NumberStyles.None, CultureInfo.InvariantCulture, out var epoch) ? epoch : (long?)null;
            }
            catch (Exception e) when (LabClients.IsUnreachable(e))
            {
                return null;
            }
        }));
        return answers.OfType<long>().ToList();
    }

    /// <summary>
    /// PUBLISHes <paramref name="hello"/> on the hello channel of every Sentinel at once, then, when
    /// <paramref name="thenReset"/>, sends each <c>SENTINEL RESET</c> for the master on the same connection, right away;
    /// returns what each Sentinel names as that master afterwards.
    /// </summary>
    /// <remarks>
    /// The reset forgets the replicas and fellow Sentinels known for the master, and they are found again within seconds:
    /// it is what drops the fake Sentinel of a forged announcement and the instances a switch of address listed as
    /// replicas, which Sentinel would otherwise start converting into replicas of the master about 8 s later.
    /// </remarks>
    public async Task<IReadOnlyList<AnnouncementOutcome>> AnnounceAsync(SentinelHello hello, bool thenReset) =>
        await Task.WhenAll(inventory.Sentinels.Instances.Select(async sentinel =>
        {
            try
            {
                await using var connection = await LabClients.SentinelAsync(endpoints.Of(sentinel), password);
                var server = connection.GetServer(endpoints.Of(sentinel));
                await server.ExecuteAsync("PUBLISH", SentinelHello.Channel, hello.Payload);
                if (thenReset)
                {
                    await server.ExecuteAsync("SENTINEL", "RESET", ResetPattern(hello.MasterName));
                }
                var master = Fields(await server.SentinelMasterAsync(hello.MasterName));
                return new AnnouncementOutcome(sentinel.Name, master.GetValueOrDefault("ip"), Number(master, "port"), Number(master, "config-epoch"), null);
            }
            catch (Exception e) when (LabClients.IsUnreachable(e))
            {
                return new AnnouncementOutcome(sentinel.Name, null, 0, 0, e.Message);
            }
        }));

    /// <summary>What every Sentinel says about the shard now: its master, its replicas, the Sentinels it knows.</summary>
    public async Task<IReadOnlyList<SentinelShardView>> ShardViewsAsync(Shard shard) =>
        await Task.WhenAll(inventory.Sentinels.Instances.Select(async sentinel =>
        {
            try
            {
                await using var connection = await LabClients.SentinelAsync(endpoints.Of(sentinel), password);
                var server = connection.GetServer(endpoints.Of(sentinel));
                var master = Fields(await server.SentinelMasterAsync(shard.SentinelMasterName));
                var replicas = (await server.SentinelReplicasAsync(shard.SentinelMasterName)).Select(Fields)
                    .Select(r => $"{r.GetValueOrDefault("ip")}:{r.GetValueOrDefault("port")}")
                    .ToList();
                var sentinels = (await server.SentinelSentinelsAsync(shard.SentinelMasterName)).Select(Fields)
                    .Select(r => r.GetValueOrDefault("runid") ?? "")
                    .ToList();
                return new SentinelShardView(sentinel.Name, $"{master.GetValueOrDefault("ip")}:{master.GetValueOrDefault("port")}", replicas, sentinels, null);
            }
            catch (Exception e) when (LabClients.IsUnreachable(e))
            {
                return new SentinelShardView(sentinel.Name, null, [], [], e.Message);
            }
        }));

    /// <summary>
    /// Each Sentinel's verdict on promoting <paramref name="candidate"/> now (see <see cref="ReplicaFitness"/>): null for
    /// a Sentinel that would, else why not (it does not answer, lists no such replica, or would skip it).
    /// </summary>
    public async Task<IReadOnlyList<(string Sentinel, string? Unfit)>> PromotionVerdictsAsync(Shard shard, RedisInstance candidate) =>
        await Task.WhenAll(inventory.Sentinels.Instances.Select(async sentinel =>
        {
            try
            {
                await using var connection = await LabClients.SentinelAsync(endpoints.Of(sentinel), password);
                var replicas = (await connection.GetServer(endpoints.Of(sentinel)).SentinelReplicasAsync(shard.SentinelMasterName)).Select(Fields);
                var view = replicas.FirstOrDefault(r => string.Equals(r.GetValueOrDefault("ip"), candidate.Name, StringComparison.OrdinalIgnoreCase) &&
                                                        r.GetValueOrDefault("port") == candidate.Port.ToString(CultureInfo.InvariantCulture));
                return (sentinel.Name, view is null
                    ? $"lists no replica {candidate.Name}:{candidate.Port}"
                    : ReplicaFitness.UnfitBecause(view, TimeSpan.FromMilliseconds(inventory.Sentinels.DownAfterMilliseconds)));
            }
            catch (Exception e) when (LabClients.IsUnreachable(e))
            {
                return (sentinel.Name, (string?)$"does not answer: {e.Message}");
            }
        }));

    /// <summary>
    /// <c>SENTINEL RESET</c> takes a glob-style pattern: the master's name with the pattern's special characters
    /// escaped, so that it resets that master and no other.
    /// </summary>
    public static string ResetPattern(string masterName) =>
        string.Concat(masterName.Select(c => c is '*' or '?' or '[' or ']' or '\\' ? $"\\{c}" : c.ToString()));

    /// <summary>The first Sentinel of the inventory that answers a PING, or null when none does.</summary>
    public async Task<SentinelInstance?> FirstAnsweringAsync()
    {
        foreach (var sentinel in inventory.Sentinels.Instances)
        {
            try
            {
                await using var connection = await LabClients.SentinelAsync(endpoints.Of(sentinel), password);
                await connection.GetServer(endpoints.Of(sentinel)).PingAsync();
                return sentinel;
            }
            catch (Exception e) when (LabClients.IsUnreachable(e))
            {
                // Try the next one.
            }
        }
        return null;
    }

    private async Task<IReadOnlyList<string>> DifferencesSeenByAsync(SentinelInstance sentinel)
    {
        var otherSentinels = inventory.Sentinels.Instances.Count - 1;
        try
        {
            await using var connection = await LabClients.SentinelAsync(endpoints.Of(sentinel), password);
            var masters = (await connection.GetServer(endpoints.Of(sentinel)).SentinelMastersAsync())
                .Select(m => m.ToDictionary(p => p.Key, p => p.Value))
                .ToDictionary(m => m["name"]);
            var differences = new List<string>();
            foreach (var shard in inventory.Shards)
            {
                if (!masters.TryGetValue(shard.SentinelMasterName, out var master))
                {
                    differences.Add($"{sentinel.Name} does not monitor {shard.SentinelMasterName}");
                    continue;
                }
                var seen = $"{master["ip"]}:{master["port"]} flags={master["flags"]} replicas={master["num-slaves"]} other-sentinels={master["num-other-sentinels"]}";
                var expected = $"{shard.Master.Name}:{shard.Master.Port} flags=master replicas={shard.Replicas.Count} other-sentinels={otherSentinels}";
                if (!string.Equals(seen, expected, StringComparison.OrdinalIgnoreCase))
                {
                    differences.Add($"{sentinel.Name} sees {shard.Name} as {seen}, the inventory's is {expected}");
                }
            }
            return differences;
        }
        catch (Exception e) when (LabClients.IsUnreachable(e))
        {
            return [$"{sentinel.Name} does not answer at {endpoints.Of(sentinel)}: {e.Message}"];
        }
    }

    /// <summary>
    /// Each Sentinel's state of <paramref name="shard"/> for a message when a failover does not come: its flags for
    /// the master (s_down, o_down, failover_in_progress), the failover state, and whether it is in TILT mode (it then
    /// acts on nothing for 30 s).
    /// </summary>
    public async Task<string> FailoverStateAsync(Shard shard)
    {
        var states = await Task.WhenAll(inventory.Sentinels.Instances.Select(async sentinel =>
        {
            try
            {
                await using var connection = await LabClients.SentinelAsync(endpoints.Of(sentinel), password);
                var server = connection.GetServer(endpoints.Of(sentinel));
                var master = Fields(await server.SentinelMasterAsync(shard.SentinelMasterName));
                var info = (await server.InfoAsync("sentinel")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
                return $"{sentinel.Name}: flags {master.GetValueOrDefault("flags")}, failover-state {master.GetValueOrDefault("failover-state") ?? "none"}, " +
                       $"tilt {info.GetValueOrDefault("sentinel_tilt") ?? "?"}";
            }
            catch (Exception e) when (LabClients.IsUnreachable(e))
            {
                return $"{sentinel.Name}: unreachable ({e.GetType().Name})";
            }
        }));
        return string.Join("; ", states);
    }

    private async Task<(string Sentinel, RedisInstance? Master, string Text)> AskMasterAsync(SentinelInstance sentinel, Shard shard)
    {
        try
        {
            await using var connection = await LabClients.SentinelAsync(endpoints.Of(sentinel), password);
            var endPoint = await connection.GetServer(endpoints.Of(sentinel)).SentinelGetMasterAddressByNameAsync(shard.SentinelMasterName);
            var (host, port) = endPoint switch
            {
                DnsEndPoint dns => (dns.Host, dns.Port),
                IPEndPoint ip => (ip.Address.ToString(), ip.Port),
                _ => ("", 0),
            };
            if (endPoint is null)
            {
                return (sentinel.Name, null, $"does not monitor {shard.SentinelMasterName}");
            }
            var master = InstanceAt(shard, host, port);
            return master is null
                ? (sentinel.Name, null, $"names {host}:{port}, which is no instance of shard {shard.Name}")
                : (sentinel.Name, master, master.Name);
        }
        catch (Exception e) when (LabClients.IsUnreachable(e))
        {
            return (sentinel.Name, null, $"unreachable ({e.GetType().Name})");
        }
    }

    private static Dictionary<string, string> Fields(KeyValuePair<string, string>[] pairs) =>
        pairs.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.First().Value);

    private static long Number(Dictionary<string, string> fields, string name) =>
        long.TryParse(fields.GetValueOrDefault(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;

    /// <summary>The shard's instance Sentinel means by <paramref name="host"/>: instances announce their container names.</summary>
    private static RedisInstance? InstanceAt(Shard shard, string host, int port) =>
        shard.Replicas.Prepend(shard.Master)
            .FirstOrDefault(i => i.Port == port && string.Equals(i.Name, host, StringComparison.OrdinalIgnoreCase));
}
