using System.Globalization;

namespace RedisHaLab.Probes;

/// <summary>
/// Whether a Sentinel would promote a replica now, from that Sentinel's own view of it (<c>SENTINEL REPLICAS</c>): the
/// rules Sentinel applies when it picks a replica for a failover (Redis 7's <c>sentinelSelectSlave</c>), so a planned
/// switchover can wait for them before it pauses any write, instead of being refused (<c>NOGOODSLAVE</c>) during the pause.
/// </summary>
public static class ReplicaFitness
{
    /// <summary>
    /// How old a Sentinel's last <c>INFO</c> from a replica may be while the master is not down: three of its 10 s INFO
    /// periods. A replica just demoted from master is a new entry whose first INFO may be up to a period away.
    /// </summary>
    public static readonly TimeSpan InfoValidity = TimeSpan.FromSeconds(30);

    /// <summary>How old a replica's last good PING reply may be: five of Sentinel's 1 s PING periods.</summary>
    public static readonly TimeSpan PingValidity = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Why the Sentinel whose view of the replica is <paramref name="fields"/> would not promote it now, or null when it
    /// would. <paramref name="downAfter"/> is the shard's down-after: Sentinel skips a replica whose link to its master
    /// has been down for more than ten of them.
    /// </summary>
    public static string? UnfitBecause(IReadOnlyDictionary<string, string> fields, TimeSpan downAfter)
    {
        var flags = fields.GetValueOrDefault("flags") ?? "";
        if (flags.Split(',').Any(f => f is "s_down" or "o_down" or "disconnected"))
        {
            return $"flagged {flags}";
        }
        // Sentinel reads neither the role nor the link status its last INFO reported (both may be seconds stale, a
        // replica just demoted still "master"); the caller checks those on the instance itself.
        if (Milliseconds(fields, "last-ok-ping-reply") is { } ping && ping > PingValidity.TotalMilliseconds)
        {
            return $"its last good PING reply is {ping} ms old";
        }
        var refresh = Milliseconds(fields, "info-refresh");
        // Redis 7 reports 0 for an entry it has had no INFO from yet, which its own rule then skips.
        if (refresh is 0)
        {
            return "the Sentinel has had no INFO from it yet";
        }
        if (refresh is null || refresh > InfoValidity.TotalMilliseconds)
        {
            return $"the Sentinel's last INFO from it is {refresh?.ToString(CultureInfo.InvariantCulture) ?? "?"} ms old";
        }
        if (Milliseconds(fields, "master-link-down-time") is { } linkDown && linkDown > downAfter.TotalMilliseconds * 10)
        {
            return $"its link to the master was down for {linkDown} ms";
        }
        return fields.GetValueOrDefault("slave-priority") == "0" ? "its replica-priority is 0: never promoted" : null;
    }

    private static long? Milliseconds(IReadOnlyDictionary<string, string> fields, string name) =>
        long.TryParse(fields.GetValueOrDefault(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
