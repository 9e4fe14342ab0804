using RedisHaLab.Topology;

namespace RedisHaLab.Reconfig;

/// <summary>
/// Decides whether a <see cref="MasterClaim"/> may change the proxy. Sentinels can be wrong (one misconfigured, one
/// lagging behind the others, one fed a forged hello by any local process, all of them rebuilt from their config at
/// epoch 0) and announcements can arrive late, so a claim is trusted on data-plane facts first:
/// <list type="number">
/// <item>the address is an instance of that shard in the inventory (never another shard's master, never a stranger);</item>
/// <item>the instance itself says ROLE master;</item>
/// <item>the shard's other instances agree (<see cref="ShardEvidence"/>): one replicates it with the link up, or its
/// replication history continues the master it replaces. An instance that also says master, and that the claimed one
/// did not take over from, refuses the claim whatever its epoch: that is a demoted master inside its ROLE-master window.</item>
/// </list>
/// Config epochs order a claim only where the facts say nothing either way: then it must have an epoch, not older
/// than the one the proxy was last set to. A claim the facts confirm at a lower epoch is a reset (Sentinels rebuilt,
/// an operator's hand re-point): it is followed, and the lower epoch becomes the one applied.
/// </summary>
/// <remarks>Called only from the single reconfiguration loop, so its state needs no lock.</remarks>
internal sealed class ClaimVerifier(Inventory inventory, IRoleProbe roles)
{
    private readonly Dictionary<string, AppliedMaster> _applied = [];

    /// <summary>The config epoch the proxy was last set to for <paramref name="shard"/>, or null before the first.</summary>
    public long? AppliedEpoch(Shard shard) => _applied.GetValueOrDefault(shard.Name)?.ConfigEpoch;

    /// <summary>Everything remembered, by shard name: what <see cref="VerifiedState"/> keeps across restarts.</summary>
    public IReadOnlyDictionary<string, AppliedMaster> Applied => _applied;

    /// <summary>
    /// Records that the proxy now serves <paramref name="decision"/>'s master. The epoch never moves backwards, except
    /// on a reset the facts confirmed; the replication ID is the master's as it was verified.
    /// </summary>
    /// <returns>True when something remembered changed.</returns>
    public bool Remember(MasterDecision decision)
    {
        var evidence = decision.Evidence;
        var before = _applied.GetValueOrDefault(decision.Shard.Name);
        var epoch = evidence.ConfigEpoch is { } value && (evidence.Reset || !(before?.ConfigEpoch > value)) ? value : before?.ConfigEpoch;
        var now = new AppliedMaster(decision.Instance.Name, epoch, evidence.ReplId ?? before?.ReplId);
        _applied[decision.Shard.Name] = now;
        return now != before;
    }

    /// <summary>Takes back what an earlier run of this service remembered (only shards and instances of this inventory).</summary>
    public void Restore(IReadOnlyDictionary<string, AppliedMaster> remembered)
    {
        foreach (var shard in inventory.Shards)
        {
            if (remembered.TryGetValue(shard.Name, out var applied) &&
                shard.Replicas.Prepend(shard.Master).Any(i => i.Name == applied.Instance))
            {
                _applied[shard.Name] = applied;
            }
        }
    }

    /// <summary>
    /// Asks every instance of the claim's shard for its replication facts ahead of <see cref="VerifyAsync"/>, so the
    /// round trips run while the claim's epoch is being learned; null (nothing asked) unless the address is an
    /// instance of the shard.
    /// </summary>
    public Task<IReadOnlyDictionary<RedisInstance, ReplicationFacts?>>? AskEarly(string masterName, MasterAddress address, CancellationToken cancellationToken) =>
        inventory.FindShardBySentinelName(masterName) is { } shard && InstanceAt(shard, address) is not null
            ? AskShardAsync(shard, cancellationToken)
            : null;

    /// <summary>Runs the checks on <paramref name="claim"/>.</summary>
    /// <param name="claim">What is claimed.</param>
    /// <param name="cancellationToken">Stops the questions to the instances.</param>
    /// <param name="askedEarly">The answer of <see cref="AskEarly"/> for the claim, if it was asked.</param>
    public async Task<ClaimVerdict> VerifyAsync(MasterClaim claim, CancellationToken cancellationToken,
        Task<IReadOnlyDictionary<RedisInstance, ReplicationFacts?>>? askedEarly = null)
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
        var facts = await (askedEarly ?? AskShardAsync(shard, cancellationToken));
        var own = facts.GetValueOrDefault(instance);
        if (own is not { IsMaster: true })
        {
            return new ClaimVerdict.Refused(shard, ClaimCheck.NotMaster,
                own is null ? $"{instance.Name} does not answer" : $"{instance.Name} says ROLE {own.Role}, not master");
        }
        var applied = _applied.GetValueOrDefault(shard.Name);
        var evidence = ShardEvidence.Judge(shard, instance, facts, applied?.ReplId);
        switch (evidence.Kind)
        {
            case EvidenceKind.Contradicted:
                return new ClaimVerdict.Refused(shard, ClaimCheck.Contradicted, evidence.Reason);
            case EvidenceKind.Confirmed:
                var reset = claim.ConfigEpoch is { } lower && applied?.ConfigEpoch is { } appliedEpoch && lower < appliedEpoch;
                return new ClaimVerdict.Trusted(claim.Decide(shard, instance, claim.ConfigEpoch, own.ReplId, evidence.Reason, reset));
        }
        // The facts say nothing either way (no other instance answers, no history to compare): epochs order the claim.
        if (claim.ConfigEpoch is not { } epoch)
        {
            return new ClaimVerdict.Refused(shard, ClaimCheck.NoEpoch,
                $"its config epoch could not be learned, so it cannot be ordered ({evidence.Reason})");
        }
        if (applied?.ConfigEpoch is { } last && epoch < last)
        {
            return new ClaimVerdict.Refused(shard, ClaimCheck.Stale,
                $"config epoch {epoch} is older than epoch {last}, which the proxy was last set to, and {evidence.Reason}");
        }
        return new ClaimVerdict.Trusted(claim.Decide(shard, instance, epoch, own.ReplId, $"ROLE master at epoch {epoch}; {evidence.Reason}", reset: false));
    }

    /// <summary>Every instance of <paramref name="shard"/> asked at once; null for one that did not answer.</summary>
    public async Task<IReadOnlyDictionary<RedisInstance, ReplicationFacts?>> AskShardAsync(Shard shard, CancellationToken cancellationToken)
    {
        var instances = shard.Replicas.Prepend(shard.Master).ToList();
        var answers = await Task.WhenAll(instances.Select(i => roles.FactsAsync(shard, i, cancellationToken)));
        return instances.Zip(answers).ToDictionary(p => p.First, p => p.Second);
    }

    private static RedisInstance? InstanceAt(Shard shard, MasterAddress address) =>
        shard.Replicas.Prepend(shard.Master).FirstOrDefault(i => address.Equals(new MasterAddress(i.Name, i.Port)));
}

/// <summary>What the proxy was last set to for one shard: the instance, the config epoch that ordered it, its replication ID.</summary>
internal sealed record AppliedMaster(string Instance, long? ConfigEpoch, string? ReplId);
