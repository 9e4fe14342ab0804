using System.Globalization;

namespace RedisHaLab.Topology.Model;

/// <summary>
/// How each kind of part is restarted after a crash: chosen, not defaulted (Swarm's default is <c>condition: any</c>
/// at once). The lab's model (<see cref="LabModel"/>) gives each part its delay; the Swarm stack renders it, and the
/// AppHost gives Docker's <c>--restart</c> to the parts it may restart at once.
/// </summary>
/// <remarks>
/// <para>
/// Redis keeps no data across a restart here (no AOF, and a killed master has rarely saved lately). A master that dies
/// and is restarted at once comes back empty before the Sentinels even see it down (<c>down-after</c>), still the
/// master, and its replica copies the empty data set: every key of the shard lost. So a Redis instance is restarted
/// only after a crash (<c>on-failure</c>: a clean <c>docker stop</c> stays stopped, as without Swarm), and only after
/// <c>down-after + failover-timeout</c> (12.5 s for the post's settings): by then its Sentinels have failed the shard
/// over, and they turn the returning instance into a replica of the new master.
/// </para>
/// <para>
/// Sentinels, the proxies, their reconfig services and the load balancer hold no data a restart could lose (a
/// Sentinel keeps its rewritten config in its volume; a proxy's current config is in the volume it shares with its
/// reconfig service, which reconciles at start; HAProxy's config is rendered): they are restarted after a crash
/// within a second or two.
/// </para>
/// </remarks>
public static class RestartPolicies
{
    /// <summary>A Redis instance: after a crash, once its shard had time to fail over.</summary>
    public static TimeSpan RedisDelay(Inventory inventory) =>
        TimeSpan.FromMilliseconds(inventory.Sentinels.DownAfterMilliseconds + inventory.Sentinels.FailoverTimeoutMilliseconds);

    /// <summary>A Sentinel: after a crash, soon (its config, with what it learnt, is in its volume).</summary>
    public static readonly TimeSpan SentinelDelay = TimeSpan.FromSeconds(2);

    /// <summary>A proxy, its reconfig service and the load balancer: after a crash, at once (every client waits for them).</summary>
    public static readonly TimeSpan FailoverPathDelay = TimeSpan.FromSeconds(1);

    /// <summary>Only a non-zero exit (a kill, a crash) restarts; a clean stop stays stopped.</summary>
    public const string Condition = "on-failure";

    /// <summary>A delay as Swarm reads one (<c>12500ms</c>).</summary>
    public static string Duration(TimeSpan delay) =>
        ((long)delay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
}
