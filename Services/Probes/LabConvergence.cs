using System.Diagnostics;
using RedisHaLab.Topology;

namespace RedisHaLab.Probes;

/// <summary>Whether a shard had settled when its writes were counted, and on which master they were read.</summary>
/// <param name="Shard">The shard.</param>
/// <param name="Master">The instance its writes were read from: the settled master, or, when it never settled, the current master by <see cref="ShardMasters"/>' rule (null when there is none).</param>
/// <param name="Problem">Why it had not settled when the wait ended; null when it had.</param>
/// <param name="Absent">Instances of the shard that did not answer (dead, frozen, cut off): they hold nothing a client can read.</param>
public sealed record ShardConvergence(Shard Shard, RedisInstance? Master, string? Problem, IReadOnlyList<string> Absent)
{
    /// <summary>True when the shard had settled: its writes were counted against the truth.</summary>
    public bool Converged => Problem is null;

    /// <inheritdoc />
    public override string ToString() =>
        (Converged ? $"converged on {Master!.Name}" : $"NOT converged ({Problem}); read from {Master?.Name ?? "nowhere"}") +
        (Absent.Count == 0 ? "" : $"; not answering: {string.Join(", ", Absent)}");
}

/// <summary>
/// Waits until the lab's shards have settled, so that what a write load left can be counted against the truth rather
/// than against an instance about to change. A shard has settled when exactly one of its instances answers as master,
/// every other instance that answers is that master's replica with its link up and the master's whole offset, and a key
/// written through the front door lands on that master. Until then an old master may still hold writes it is about to
/// throw away (a demoted master resynchronises from the promoted replica), or a replica may not have them yet.
/// </summary>
public sealed class LabConvergence(LabView lab)
{
    /// <summary>
    /// How long to wait for every shard to settle: a demoted master is told so by Sentinel about 10-15 s after a
    /// failover, then resynchronises; far longer means something is still broken, which the report then says.
    /// </summary>
    public static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan RoutingProbeWithin = TimeSpan.FromSeconds(2);

    /// <summary>Waits (at most <paramref name="within"/>) until every shard has settled; returns each shard's state then.</summary>
    public async Task<IReadOnlyList<ShardConvergence>> WaitAsync(TimeSpan within, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var states = await CheckAsync();
            if (states.All(s => s.Converged) || clock.Elapsed >= within || cancellationToken.IsCancellationRequested)
            {
                return states;
            }
            await Task.Delay(Poll, CancellationToken.None);
        }
    }

    /// <summary>Every shard's state now.</summary>
    private async Task<IReadOnlyList<ShardConvergence>> CheckAsync()
    {
        var data = new List<ShardConvergence>();
        foreach (var shard in lab.Inventory.Shards)
        {
            data.Add(await DataStateAsync(shard));
        }
        var masters = data.Where(d => d.Master is not null).ToDictionary(d => d.Shard, d => d.Master!);
        if (masters.Count < data.Count)
        {
            return data;
        }
        // The data has settled on one master per shard; the front door must send each shard there too.
        try
        {
            await using var frontDoor = await LabClients.ProxyQuickAsync(lab.Endpoints.FrontDoor(lab.Inventory), lab.Password);
            var routed = new List<ShardConvergence>();
            foreach (var state in data)
            {
                var problem = state.Problem ?? await RoutingProbe.ProblemAsync(frontDoor.GetDatabase(), state.Shard, masters, RoutingProbeWithin, lab.Endpoints, lab.Password);
                routed.Add(state with { Problem = problem is null ? null : state.Problem ?? $"the front door does not route {state.Shard.Name} to {state.Master!.Name}: {problem}" });
            }
            return routed;
        }
        catch (Exception e) when (LabClients.IsUnreachable(e))
        {
            return data.Select(d => d with { Problem = d.Problem ?? $"the front door does not answer: {e.Message}" }).ToList();
        }
    }

    /// <summary>The shard's data state: its master by ROLE and whether every answering instance replicates it fully.</summary>
    private async Task<ShardConvergence> DataStateAsync(Shard shard)
    {
        var instances = shard.Replicas.Prepend(shard.Master).ToList();
        var first = await Task.WhenAll(instances.Select(i => RedisProbe.ReplicationAsync(i, lab.Endpoints, lab.Password)));
        var judged = Judge(shard, instances.Zip(first).ToList());
        if (judged.Master is null)
        {
            // Unsettled by ROLE: the master the counting reads from is the one rule's (a Sentinel majority when ROLE cannot tell).
            return judged with { Master = (await lab.Masters.OfAsync(shard)).Instance };
        }
        if (judged.Problem is not null)
        {
            return judged;
        }
        // The master's offset first, then the replicas': a replica at or past it has everything acknowledged before.
        var master = await RedisProbe.ReplicationAsync(judged.Master, lab.Endpoints, lab.Password);
        var replicas = new List<(RedisInstance, ReplicationInfo)> { (judged.Master, master) };
        foreach (var instance in instances.Where(i => i != judged.Master))
        {
            replicas.Add((instance, await RedisProbe.ReplicationAsync(instance, lab.Endpoints, lab.Password)));
        }
        return Judge(shard, replicas) is { Master: not null } again && again.Master == judged.Master ? again : judged with { Problem = $"{shard.Name}'s master changed while it was checked" };
    }

    /// <summary>
    /// The shard's state from what each instance answered to <c>INFO replication</c>: settled when exactly one answers as
    /// master and every other one that answers is its replica, link up, at or past the master's offset as read.
    /// </summary>
    public static ShardConvergence Judge(Shard shard, IReadOnlyList<(RedisInstance Instance, ReplicationInfo Info)> answers)
    {
        var absent = answers.Where(a => !a.Info.Answered).Select(a => a.Instance.Name).ToList();
        var masters = answers.Where(a => a.Info.IsMaster).ToList();
        if (masters.Count != 1)
        {
            var who = masters.Count == 0 ? "none of its instances answers as master" : $"{string.Join(" and ", masters.Select(m => m.Instance.Name))} all answer as master";
            return new ShardConvergence(shard, null, $"{shard.Name}: {who}", absent);
        }
        var (master, masterInfo) = masters[0];
        var behind = answers
            .Where(a => a.Instance != master && a.Info.Answered && (!a.Info.IsReplicaOf(master) || a.Info.Offset < masterInfo.Offset))
            .Select(a => $"{a.Instance.Name} is {a.Info}")
            .ToList();
        return new ShardConvergence(shard, master,
            behind.Count == 0 ? null : $"{shard.Name}: {string.Join("; ", behind)}, {master.Name} is at offset {masterInfo.Offset}", absent);
    }
}
