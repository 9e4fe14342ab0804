namespace RedisHaLab.Reconfig;

/// <summary>
/// Tells a new failover from a repeat of the last one: Sentinel announces each <c>+switch-master</c> once from the
/// leader and again from every Sentinel that learns of it, and a failover should be counted once.
/// </summary>
internal sealed class FailoverDeduplicator
{
    private readonly Dictionary<string, SwitchMasterEvent> _lastByMaster = [];

    /// <summary>True the first time a switch is seen; false for a repeat of the last switch of the same master.</summary>
    /// <remarks>Not thread-safe: the single reconfiguration loop is its only caller.</remarks>
    public bool IsNew(SwitchMasterEvent switchMaster)
    {
        if (_lastByMaster.TryGetValue(switchMaster.MasterName, out var last) && last == switchMaster)
        {
            return false;
        }
        _lastByMaster[switchMaster.MasterName] = switchMaster;
        return true;
    }
}
