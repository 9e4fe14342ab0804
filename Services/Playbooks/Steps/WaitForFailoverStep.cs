using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.Playbooks;

/// <summary>
/// <c>wait_for_failover: { shard: g1 }</c>: until the shard's current master (see <see cref="ShardMasters"/>) is another
/// instance than the run last knew, a majority of the Sentinels names that one too, and it answers ROLE master.
/// </summary>
public sealed record WaitForFailoverStep(int Line, string Shard, TimeSpan Timeout) : ShardWaitingStep(Line, Shard, Timeout)
{
    internal static StepKind Definition { get; } = Define("wait_for_failover", "wait_for_failover: { shard: g1, timeout: 30s }",
        (line, shard, timeout) => new WaitForFailoverStep(line, shard, timeout));

    private protected override StepKind Kind => Definition;

    internal override async Task<string> RunAsync(PlaybookRun run, CancellationToken cancellationToken)
    {
        var lab = run.Lab;
        var shard = lab.Shard(Shard);
        var before = run.Masters[shard];
        RedisInstance? promoted = null;
        var waiting = PlaybookRun.Until(async () =>
        {
            var master = await lab.Masters.OfAsync(shard);
            if (master.Instance is null || master.Instance == before)
            {
                return $"the current master is {master}";
            }
            // A failover is done when the Sentinels have switched too: what follows (a fail-back, a forged
            // announcement) acts on them.
            var vote = await lab.Sentinels.MasterOfAsync(shard);
            if (vote.Master != master.Instance)
            {
                return $"{master}, but the Sentinels name {vote}";
            }
            promoted = master.Instance;
            return await RedisProbe.RoleAsync(promoted, lab.Endpoints, lab.Password) == "master" ? null : $"{promoted.Name} no longer answers ROLE master";
        }, Timeout, $"a new master of {shard.Name}", cancellationToken);
        try
        {
            await waiting;
        }
        catch (ChaosException e)
        {
            // Asked only now, so the wait itself adds no load: why the Sentinels did not fail over.
            throw new ChaosException($"{e.Message}; Sentinels: {await lab.Sentinels.FailoverStateAsync(shard)}");
        }
        run.Masters[shard] = promoted!;
        return $"{before.Name} -> {promoted!.Name}";
    }
}
