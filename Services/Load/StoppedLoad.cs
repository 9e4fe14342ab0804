using RedisHaLab.Probes;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.Load;

/// <summary>
/// A write load that has stopped sending, its writes not yet counted. Counting waits for convergence (see
/// <see cref="LabConvergence"/>), so that a playbook's figures do not depend on where its <c>stop_load</c> sits: a key
/// is read from its shard's settled master, never from an instance about to throw it away.
/// </summary>
public sealed class StoppedLoad(IReadOnlyList<LaneRecord> lanes, TimeSpan duration)
{
    // Keys read from a master per MGET: one round trip each, small enough for a busy 2-core machine.
    private const int ReadBatch = 500;
    private const int ReadAttempts = 5;

    /// <summary>How long the load ran.</summary>
    public TimeSpan Duration => duration;

    /// <summary>
    /// Counts every lane's writes against its shard's master in <paramref name="states"/> (from
    /// <see cref="LabConvergence.WaitAsync"/>). A shard that had not converged is still counted, from the master the
    /// one rule names, and its report says it had not: such figures prove nothing.
    /// </summary>
    public async Task<LoadReport> CountAsync(IReadOnlyList<ShardConvergence> states, LabEndpoints endpoints, string? password)
    {
        var shards = new List<ShardLoadReport>();
        foreach (var lane in lanes)
        {
            var state = states.Single(s => s.Shard.Name == lane.Shard);
            var keys = lane.Writes.Select(w => w.Key).Distinct().ToList();
            var (values, problem) = state.Master is null
                ? (new Dictionary<string, string?>(), null)
                : await ReadAsync(state.Master, keys, endpoints, password);
            if (problem is not null)
            {
                state = state with { Problem = state.Problem ?? problem };
            }
            var tally = WriteAccounting.Count(lane.Writes, values);
            shards.Add(new ShardLoadReport(lane.Shard, lane.Sent, tally.Acknowledged, tally.Failed, tally.Indeterminate, tally.Lost,
                tally.RolledBack, tally.IndeterminateApplied, tally.FailedApplied, tally.FirstLost, lane.LongestGap, lane.Errors, state));
        }
        return new LoadReport(shards, duration);
    }

    /// <summary>Each key's value on <paramref name="master"/>, read there directly; or why it could not be read.</summary>
    private static async Task<(Dictionary<string, string?> Values, string? Problem)> ReadAsync(RedisInstance master, IReadOnlyList<string> keys, LabEndpoints endpoints, string? password)
    {
        var values = new Dictionary<string, string?>();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var redis = await LabClients.RedisAsync(endpoints.Of(master), password);
                var db = redis.GetDatabase();
                foreach (var batch in keys.Chunk(ReadBatch))
                {
                    var read = await db.StringGetAsync([.. batch.Select(k => (RedisKey)k)]);
                    for (var i = 0; i < batch.Length; i++)
                    {
                        values[batch[i]] = read[i];
                    }
                }
                return (values, null);
            }
            catch (Exception e) when (LabClients.IsUnreachable(e))
            {
                if (attempt == ReadAttempts)
                {
                    return (values, $"cannot read the load's keys from {master.Name}: {e.Message}");
                }
                await Task.Delay(500);
            }
        }
    }
}
