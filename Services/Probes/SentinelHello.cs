using System.Globalization;
using System.Net;
using RedisHaLab.Topology;

namespace RedisHaLab.Probes;

/// <summary>
/// A Sentinel hello message: what each Sentinel publishes every 2 s on <see cref="Channel"/> of the instances it
/// monitors, to introduce itself and to spread its view of a master. Sentinel also takes one PUBLISHed to itself on
/// that channel (the only channel it accepts), from any client: when its <see cref="MasterConfigEpoch"/> is above the
/// Sentinel's own for that master, the Sentinel adopts the address, emits <c>+switch-master</c> and spreads it.
/// </summary>
/// <remarks>
/// The eight comma-separated fields, in Sentinel's order: <c>sentinel_ip,sentinel_port,sentinel_runid,current_epoch,
/// master_name,master_ip,master_port,master_config_epoch</c>.
/// </remarks>
public sealed record SentinelHello(
    IPAddress SentinelIp,
    int SentinelPort,
    string SentinelRunId,
    long CurrentEpoch,
    string MasterName,
    string MasterHost,
    int MasterPort,
    long MasterConfigEpoch)
{
    /// <summary>The only channel a Sentinel accepts a PUBLISH on.</summary>
    public const string Channel = "__sentinel__:hello";

    /// <summary>
    /// The forger's Sentinel port. Each Sentinel adds the forger to its list of fellow Sentinels and tries to reach it at
    /// <see cref="ForgerAddress"/>: that is its own container's loopback, where nothing listens on this port, so the
    /// attempts touch nothing.
    /// </summary>
    public const int ForgerPort = 26999;

    /// <summary>The forger's run id: fixed, so that a second announcement (the restore) comes from the same fake Sentinel, and recognisable in <c>SENTINEL SENTINELS</c>.</summary>
    public const string ForgerRunId = "f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0";

    /// <summary>The forger's address as the Sentinels record it: loopback (inside each Sentinel's own container).</summary>
    public static IPAddress ForgerAddress { get; } = IPAddress.Loopback;

    /// <summary>The message as Sentinel reads it.</summary>
    public string Payload => string.Join(',',
        SentinelIp,
        SentinelPort.ToString(CultureInfo.InvariantCulture),
        SentinelRunId,
        CurrentEpoch.ToString(CultureInfo.InvariantCulture),
        MasterName,
        MasterHost,
        MasterPort.ToString(CultureInfo.InvariantCulture),
        MasterConfigEpoch.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// A forged announcement that <paramref name="announced"/> masters <paramref name="shard"/> from <paramref name="epoch"/>
    /// on. The master is named by its container name, as the lab's Sentinels (<c>announce-hostnames yes</c>) name it.
    /// </summary>
    public static SentinelHello Forged(Shard shard, RedisInstance announced, long epoch) =>
        new(ForgerAddress, ForgerPort, ForgerRunId, epoch, shard.SentinelMasterName, announced.Name, announced.Port, epoch);

    /// <summary>
    /// The lowest epoch above every one of <paramref name="epochsSeen"/>: Sentinel adopts an announcement only when its
    /// config epoch is strictly greater than the one it holds for the master.
    /// </summary>
    /// <exception cref="ChaosException">No epoch was seen: no Sentinel answered.</exception>
    public static long EpochAbove(IEnumerable<long> epochsSeen)
    {
        var epochs = epochsSeen.ToList();
        return epochs.Count == 0
            ? throw new ChaosException("no Sentinel reported a config epoch; an announcement needs one above theirs")
            : epochs.Max() + 1;
    }
}
