using System.Net;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.Probes;

/// <summary>
/// Checks, by data, what every new client of the front door gets: behind a load balancer each new connection may reach
/// another proxy, so one good connection proves nothing about the others. Each of several fresh connections writes
/// probe keys, and each key must be acknowledged and then found, read directly, on one of the shards' current masters.
/// A stale proxy in rotation shows here (its writes go to an old master: refused as READONLY, or lost to a dead one).
/// </summary>
public static class FrontDoorSpread
{
    /// <summary>Probe keys each connection writes: with two shards, 16 keys miss one shard once in 2^15 connections.</summary>
    public const int KeysPerConnection = 16;

    private static readonly TimeSpan KeyLifetime = TimeSpan.FromMinutes(10);

    /// <summary>Null when every one of <paramref name="connections"/> new connections is served, else what went wrong and how often.</summary>
    public static async Task<string?> ProblemAsync(IPEndPoint frontDoor, IReadOnlyDictionary<Shard, RedisInstance> masters, int connections, LabEndpoints endpoints, string? password)
    {
        var readers = new List<ConnectionMultiplexer>();
        try
        {
            foreach (var master in masters.Values)
            {
                readers.Add(await LabClients.RedisAsync(endpoints.Of(master), password));
            }
            var results = new List<string?>();
            // One after another: connections opened together would all be spread over the proxies at once, which is
            // the same, but one at a time keeps the two cores free for the lab.
            for (var i = 0; i < connections; i++)
            {
                results.Add(await OneConnectionAsync(frontDoor, readers, password));
            }
            var failed = results.Where(r => r is not null).ToList();
            return failed.Count == 0
                ? null
                : $"{failed.Count} of {connections} new front-door connections not served: " +
                  string.Join("; ", failed.GroupBy(f => f).Select(g => $"{g.Count()} x {g.Key}"));
        }
        finally
        {
            foreach (var reader in readers)
            {
                await reader.DisposeAsync();
            }
        }
    }

    private static async Task<string?> OneConnectionAsync(IPEndPoint frontDoor, IReadOnlyList<ConnectionMultiplexer> readers, string? password)
    {
        var keys = Enumerable.Range(0, KeysPerConnection).Select(_ => $"spread:{Guid.NewGuid():N}").ToList();
        try
        {
            await using var client = await LabClients.ProxyQuickAsync(frontDoor, password);
            var db = client.GetDatabase();
            var written = await Task.WhenAll(keys.Select(k => db.StringSetAsync(k, k, KeyLifetime)));
            if (written.Any(w => !w))
            {
                return "a write not acknowledged";
            }
        }
        catch (Exception e) when (LabClients.IsUnreachable(e))
        {
            return Shorten(e.Message);
        }
        var found = new int[keys.Count];
        foreach (var reader in readers)
        {
            var values = await Task.WhenAll(keys.Select(k => reader.GetDatabase().StringGetAsync(k)));
            for (var i = 0; i < keys.Count; i++)
            {
                found[i] += values[i] == keys[i] ? 1 : 0;
            }
        }
        var missing = found.Count(f => f != 1);
        return missing == 0 ? null : $"{missing} acknowledged keys not on exactly one current master";
    }

    private static string Shorten(string message)
    {
        var end = message.IndexOfAny(['(', ';', ',', '\n']);
        return (end > 0 ? message[..end] : message).Trim();
    }
}
