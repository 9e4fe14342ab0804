namespace RedisHaLab.Reconfig;

/// <summary>What one Sentinel said when asked for a shard's master: an address and its config epoch, or why there is none.</summary>
/// <param name="Sentinel">The Sentinel asked (its container name).</param>
/// <param name="Master">The master it names; null when it did not answer or does not know the shard.</param>
/// <param name="ConfigEpoch">Its config epoch for that master name (<c>config-epoch</c> of <c>SENTINEL MASTER</c>); null with no address.</param>
/// <param name="Problem">Why there is no address; empty when there is one.</param>
internal sealed record SentinelAnswer(string Sentinel, MasterAddress? Master, long? ConfigEpoch, string Problem)
{
    /// <summary>The Sentinel named <paramref name="master"/> as of <paramref name="configEpoch"/>.</summary>
    public static SentinelAnswer Named(string sentinel, MasterAddress master, long? configEpoch) => new(sentinel, master, configEpoch, "");

    /// <summary>The Sentinel answered but does not monitor that master name.</summary>
    public static SentinelAnswer Unknown(string sentinel) => new(sentinel, null, null, "does not monitor it");

    /// <summary>The Sentinel could not be asked (down, not yet connected, timed out).</summary>
    public static SentinelAnswer Unreachable(string sentinel, string reason) => new(sentinel, null, null, $"unreachable: {reason}");

    /// <inheritdoc />
    public override string ToString() => Master is null ? $"{Sentinel} {Problem}" : $"{Sentinel} says {Master} (epoch {ConfigEpoch?.ToString() ?? "?"})";
}
