using RedisHaLab.Topology;

namespace RedisHaLab.Reconfig;

/// <summary>
/// Decides whether a <see cref="MasterClaim"/> may change the proxy. Sentinels can be wrong (one misconfigured, one
/// lagging behind the others, one fed a forged hello by any local process) and announcements can arrive late, so a
/// claim is trusted only when all three hold, cheapest first:
/// <list type="number">
/// <item>the address is an instance of that shard in the inventory (never another shard's master, never a stranger);</item>
/// <item>its config epoch is known and not older than the one the proxy was last set to, so a replay or a lagging
/// majority cannot roll the proxy back;</item>
/// <item>the instance itself answers <c>ROLE</c> with <c>master</c>.</item>
/// </list>
/// </summary>
/// <remarks>Called only from the single reconfiguration loop, so its state needs no lock.</remarks>
internal sealed class ClaimVerifier(Inventory inventory, IRoleProbe roles)
{
    private readonly Dictionary<string, long> _appliedEpochs = [];

    /// <summary>The config epoch the proxy was last set to for <paramref name="shard"/>, or null before the first.</summary>
    public long? AppliedEpoch(Shard shard) => _appliedEpochs.TryGetValue(shard.Name, out var epoch) ? epoch : null;

    /// <summary>Records that the proxy now serves <paramref name="shard"/> as of <paramref name="epoch"/>; never moves backwards.</summary>
    public void Remember(Shard shard, long? epoch)
    {
        if (epoch is { } value && !(AppliedEpoch(shard) > value))
        {
            _appliedEpochs[shard.Name] = value;
        }
    }

    /// <summary>
    /// Asks <c>ROLE</c> of <paramref name="address"/> ahead of <see cref="VerifyAsync"/>, so that the round trip runs
    /// while the claim's epoch is being learned; null (nothing asked) unless the address is an instance of the shard.
    /// </summary>
    public Task<string?>? AskRoleEarly(string masterName, MasterAddress address, CancellationToken cancellationToken) =>
        inventory.FindShardBySentinelName(masterName) is { } shard && InstanceAt(shard, address) is { } instance
            ? roles.RoleAsync(instance, cancellationToken)
            : null;

    /// <summary>Runs the three checks on <paramref name="claim"/>.</summary>
    /// <param name="claim">What is claimed.</param>
    /// <param name="cancellationToken">Stops the ROLE question.</param>
    /// <param name="roleAskedEarly">The answer of <see cref="AskRoleEarly"/> for the claim's address, if it was asked.</param>
    public async Task<ClaimVerdict> VerifyAsync(MasterClaim claim, CancellationToken cancellationToken, Task<string?>? roleAskedEarly = null)
    {
        var shard = inventory.FindShardBySentinelName(claim.MasterName);
        if (shard is null)
        {
            return new ClaimVerdict.Refused(null, ClaimCheck.UnknownShard,
                $"no shard of {inventory.SourceFile} is monitored as '{claim.MasterName}'");
        }
        var instance = InstanceAt(shard, claim.Address);
        if (instance is null)
        {
            return new ClaimVerdict.Refused(shard, ClaimCheck.NotInShard,
                $"{claim.Address} is not an instance of shard {shard.Name} ({string.Join(", ", shard.Replicas.Prepend(shard.Master).Select(i => $"{i.Name}:{i.Port}"))})");
        }
        if (claim.ConfigEpoch is not { } epoch)
        {
            return new ClaimVerdict.Refused(shard, ClaimCheck.NoEpoch, "its config epoch could not be learned, so it cannot be ordered");
        }
        if (AppliedEpoch(shard) is { } applied && epoch < applied)
        {
            return new ClaimVerdict.Refused(shard, ClaimCheck.Stale,
                $"config epoch {epoch} is older than epoch {applied}, which the proxy was last set to");
        }
        var role = await (roleAskedEarly ?? roles.RoleAsync(instance, cancellationToken));
        if (role != "master")
        {
            return new ClaimVerdict.Refused(shard, ClaimCheck.NotMaster,
                role is null ? $"{instance.Name} does not answer ROLE" : $"{instance.Name} says ROLE {role}, not master");
        }
        return new ClaimVerdict.Trusted(shard, instance, epoch);
    }

    private static RedisInstance? InstanceAt(Shard shard, MasterAddress address) =>
        shard.Replicas.Prepend(shard.Master).FirstOrDefault(i => address.Equals(new MasterAddress(i.Name, i.Port)));
}
