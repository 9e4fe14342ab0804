using RedisHaLab.Topology;

namespace RedisHaLab.Reconfig;

/// <summary>What the shard's own instances say about a claimed master, beyond its own ROLE.</summary>
internal enum EvidenceKind
{
    /// <summary>The data plane confirms it: a linked replica follows it, or its history continues the master it replaces.</summary>
    Confirmed,

    /// <summary>The data plane says otherwise: another instance says it is master, and the claimed one did not take over from it.</summary>
    Contradicted,

    /// <summary>Nothing to go on (no other instance answers, no history to compare): only epochs can order the claim.</summary>
    Unknown,
}

/// <summary>The shard's verdict on a claimed master, with the sentence that explains it.</summary>
internal sealed record ShardEvidence(EvidenceKind Kind, string Reason)
{
    /// <summary>
    /// Judges <paramref name="claimed"/>, which says ROLE master, on what every other instance of
    /// <paramref name="shard"/> answered (<paramref name="facts"/>; null for one that did not answer) and on the
    /// replication ID of the master the proxy was last set to (<paramref name="appliedReplId"/>, null when unknown).
    /// </summary>
    /// <remarks>
    /// A demoted master goes on answering ROLE master for seconds (a planned failover, an isolation, a restart), so its
    /// own word is not enough. Another instance that says master is a contradiction unless the claimed one was promoted
    /// from it (its <c>master_replid2</c> is that master's ID): the demoted master's window, seen from the winner's side.
    /// Only masters contradict: a replica still linked to an old master is one Sentinel has not reached yet.
    /// </remarks>
    public static ShardEvidence Judge(Shard shard, RedisInstance claimed, IReadOnlyDictionary<RedisInstance, ReplicationFacts?> facts,
        string? appliedReplId)
    {
        var own = facts.GetValueOrDefault(claimed);
        string? succession = null;
        foreach (var other in shard.Replicas.Prepend(shard.Master).Where(i => i != claimed))
        {
            if (facts.GetValueOrDefault(other) is not { IsMaster: true } rival)
            {
                continue;
            }
            if (own is not null && own.Succeeded(rival.ReplId))
            {
                succession = $"{other.Name} still says ROLE master, but {claimed.Name} was promoted from it (its master_replid2 is {other.Name}'s ID)";
                continue;
            }
            return new(EvidenceKind.Contradicted, $"{other.Name} also says ROLE master, and {claimed.Name} did not take over from it");
        }
        var follower = shard.Replicas.Prepend(shard.Master).Where(i => i != claimed)
            .FirstOrDefault(i => facts.GetValueOrDefault(i)?.IsLinkedReplicaOf(claimed) == true);
        if (follower is not null)
        {
            return new(EvidenceKind.Confirmed, $"{follower.Name} replicates it with the link up");
        }
        if (succession is not null)
        {
            return new(EvidenceKind.Confirmed, succession);
        }
        if (own is not null && appliedReplId is not null && appliedReplId != ReplicationFacts.NoHistory)
        {
            if (own.ReplId == appliedReplId)
            {
                return new(EvidenceKind.Confirmed, "it is the master the proxy was last set to (same replication ID)");
            }
            if (own.Succeeded(appliedReplId))
            {
                return new(EvidenceKind.Confirmed, "it was promoted from the master the proxy was last set to (its master_replid2 is that master's ID)");
            }
        }
        return new(EvidenceKind.Unknown, "no other instance of the shard answers for it, and its history says nothing of the master last applied");
    }
}
