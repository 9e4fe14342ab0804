namespace RedisHaLab.Reconfig;

/// <summary>What one Sentinel said when asked for a shard's master: an address, or why there is none.</summary>
/// <param name="Sentinel">The Sentinel asked (its container name).</param>
/// <param name="Master">The master it names; null when it did not answer or does not know the shard.</param>
/// <param name="Problem">Why there is no address; empty when there is one.</param>
internal sealed record SentinelAnswer(string Sentinel, MasterAddress? Master, string Problem)
{
    /// <summary>The Sentinel named <paramref name="master"/>.</summary>
    public static SentinelAnswer Named(string sentinel, MasterAddress master) => new(sentinel, master, "");

    /// <summary>The Sentinel answered but does not monitor that master name.</summary>
    public static SentinelAnswer Unknown(string sentinel) => new(sentinel, null, "does not monitor it");

    /// <summary>The Sentinel could not be asked (down, not yet connected, timed out).</summary>
    public static SentinelAnswer Unreachable(string sentinel, string reason) => new(sentinel, null, $"unreachable: {reason}");

    /// <inheritdoc />
    public override string ToString() => Master is null ? $"{Sentinel} {Problem}" : $"{Sentinel} says {Master}";
}
