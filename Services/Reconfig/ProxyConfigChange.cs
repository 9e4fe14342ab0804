using RedisHaLab.Topology;

namespace RedisHaLab.Reconfig;

/// <summary>What pointing a shard's proxy server at a master means for a config: one of the cases below.</summary>
internal abstract record ProxyConfigChange
{
    private ProxyConfigChange()
    {
    }

    /// <summary>Server <see cref="Index"/> of the pool moves from <see cref="Before"/> to <see cref="After"/>; <see cref="Config"/> is the whole new file.</summary>
    public sealed record Rewrite(Shard Shard, int Index, ProxyServer Before, ProxyServer After, NutcrackerConfig Config) : ProxyConfigChange;

    /// <summary>The shard's server already points at that master: nothing to write, nothing to restart.</summary>
    public sealed record Unchanged(Shard Shard, ProxyServer Server) : ProxyConfigChange;

    /// <summary>The shard is known but the config cannot be pointed at the master; <see cref="Reason"/> says why.</summary>
    public sealed record CannotApply(Shard Shard, string Reason) : ProxyConfigChange;
}
