using RedisHaLab.Topology;

namespace RedisHaLab.Reconfig;

/// <summary>The outcome of asking the Sentinels: the master a majority names, or null with the reason in <see cref="Summary"/>.</summary>
/// <param name="Master">The address more than half of the inventory's Sentinels agree on; null when none has that many.</param>
/// <param name="Votes">How many Sentinels named the leading address.</param>
/// <param name="Needed">The majority: more than half of the inventory's Sentinels, reachable or not.</param>
/// <param name="Summary">Every answer, for the log.</param>
/// <param name="ConfigEpoch">The lowest config epoch among the Sentinels that named <paramref name="Master"/> (what the majority vouches for); null when one did not say.</param>
internal sealed record MajorityDecision(MasterAddress? Master, int Votes, int Needed, string Summary, long? ConfigEpoch = null);

/// <summary>Decides a shard's master from the Sentinels' answers.</summary>
internal static class MajorityVote
{
    /// <summary>
    /// The address named by more than half of <paramref name="sentinelCount"/> Sentinels. The majority is of the
    /// inventory's Sentinels, not of those that answered: one Sentinel left alone on a partition may still name the
    /// old master, and following it would undo a real failover.
    /// </summary>
    public static MajorityDecision Decide(IEnumerable<SentinelAnswer> answers, int sentinelCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sentinelCount);
        // A Sentinel has one voice, even if it was asked twice.
        var distinct = answers.DistinctBy(a => a.Sentinel).ToList();
        var needed = SentinelGroup.MajorityOf(sentinelCount);
        var tally = distinct.Where(a => a.Master is not null)
            .GroupBy(a => a.Master!)
            .Select(g => (Master: g.Key, Votes: g.Count(), Epoch: g.Any(a => a.ConfigEpoch is null) ? null : g.Min(a => a.ConfigEpoch)))
            .OrderByDescending(t => t.Votes)
            .ToList();
        var summary = distinct.Count == 0 ? "no Sentinel answered" : string.Join("; ", distinct);
        var leader = tally.FirstOrDefault();
        return leader.Votes >= needed
            ? new MajorityDecision(leader.Master, leader.Votes, needed, summary, leader.Epoch)
            : new MajorityDecision(null, leader.Votes, needed, summary);
    }
}
