using System.Net;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.Chaos;

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

/// <summary>
/// The Sentinels of the inventory, asked through their loopback ports: who masters each shard, whether they see the
/// lab as the inventory describes it, and to fail a shard over by hand.
/// </summary>
public sealed class SentinelView(Inventory inventory)
{
    /// <summary>
    /// Asks every Sentinel at once for the shard's master and maps the host name it reports (a container name such as
    /// <c>node24-redis-4500</c>) to the inventory's instance. The majority is of all Sentinels of the inventory, so one
    /// left alone behind a partition cannot outvote the rest.
    /// </summary>
    public async Task<MasterVote> MasterOfAsync(Shard shard)
    {
        var answers = await Task.WhenAll(inventory.Sentinels.Instances.Select(s => AskMasterAsync(s, shard)));
        var needed = inventory.Sentinels.Instances.Count / 2 + 1;
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
                await using var connection = await LabClients.SentinelAsync(LabEndpoints.Of(sentinel));
                await connection.GetServer(LabEndpoints.Of(sentinel)).SentinelFailoverAsync(shard.SentinelMasterName);
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

    /// <summary>The first Sentinel of the inventory that answers a PING, or null when none does.</summary>
    public async Task<SentinelInstance?> FirstAnsweringAsync()
    {
        foreach (var sentinel in inventory.Sentinels.Instances)
        {
            try
            {
                await using var connection = await LabClients.SentinelAsync(LabEndpoints.Of(sentinel));
                await connection.GetServer(LabEndpoints.Of(sentinel)).PingAsync();
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
            await using var connection = await LabClients.SentinelAsync(LabEndpoints.Of(sentinel));
            var masters = (await connection.GetServer(LabEndpoints.Of(sentinel)).SentinelMastersAsync())
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
            return [$"{sentinel.Name} does not answer at {LabEndpoints.Of(sentinel)}: {e.Message}"];
        }
    }

    private async Task<(string Sentinel, RedisInstance? Master, string Text)> AskMasterAsync(SentinelInstance sentinel, Shard shard)
    {
        try
        {
            await using var connection = await LabClients.SentinelAsync(LabEndpoints.Of(sentinel));
            var endPoint = await connection.GetServer(LabEndpoints.Of(sentinel)).SentinelGetMasterAddressByNameAsync(shard.SentinelMasterName);
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

    /// <summary>The shard's instance Sentinel means by <paramref name="host"/>: instances announce their container names.</summary>
    private static RedisInstance? InstanceAt(Shard shard, string host, int port) =>
        shard.Replicas.Prepend(shard.Master)
            .FirstOrDefault(i => i.Port == port && string.Equals(i.Name, host, StringComparison.OrdinalIgnoreCase));
}
