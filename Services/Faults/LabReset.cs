using System.Diagnostics;
using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.Faults;

/// <summary>
/// Brings a running lab back to its inventory's starting state without restarting it: every container (the reconfig
/// service's included) running, resumed and on the network, each shard's master the inventory's again (by a manual
/// failover back), the Sentinels agreeing, and writes through the front door landing on those masters. Much cheaper
/// than a fresh lab between two scenarios.
/// </summary>
public sealed class LabReset(ChaosLab lab)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long a reset may take before it counts as failed: a shard failed back waits on Sentinel (its down-after, a
    /// returned master's demotion after Sentinel's next look and grace, then the failover back). Measured 2-50 s here;
    /// every caller (the playbooks, the test fixtures, the lab pool, the client matrix) bounds its reset with it.
    /// </summary>
    public static readonly TimeSpan Within = TimeSpan.FromMinutes(2);

    /// <summary>Resumes, heals and starts whatever a scenario left paused, cut off (from the network, its peers or the machine's resolver) or down, the reconfig service included; returns what it did.</summary>
    public async Task<IReadOnlyList<string>> HealAllAsync(CancellationToken cancellationToken)
    {
        var done = new List<string>();
        foreach (var container in lab.ContainerNames)
        {
            var state = await lab.Containers.StateAsync(container, cancellationToken);
            if (state.Running && (state.Paused || await lab.Containers.IsSignalStoppedAsync(container, cancellationToken)))
            {
                await lab.Containers.ResumeAsync(container, cancellationToken);
                done.Add($"resumed {container}");
            }
            if (await lab.Network.IsCutOffAsync(container, cancellationToken))
            {
                await lab.Network.HealAsync(container, cancellationToken);
                done.Add($"healed {container}");
            }
            if (await lab.ResolverCut.IsCutAsync(container, cancellationToken))
            {
                await lab.ResolverCut.RestoreAsync(container, cancellationToken);
                done.Add($"gave {container} the machine's resolver back");
            }
            if (!state.Running)
            {
                await lab.Containers.StartAsync(container, cancellationToken);
                done.Add($"started {container}");
            }
        }
        return done;
    }

    /// <summary>
    /// <see cref="HealAllAsync"/>, then fails each shard back to the inventory's master and waits until nothing differs
    /// from the inventory; returns what it did.
    /// </summary>
    /// <exception cref="ChaosException">The lab is not back within <paramref name="within"/>; the message lists what still differs.</exception>
    public async Task<IReadOnlyList<string>> ResetAsync(TimeSpan within, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var done = (await HealAllAsync(cancellationToken)).ToList();
        // Every shard at once: each waits on Sentinel (a restarted old master's demotion after Sentinel's next look, then
        // the failover back), and Sentinel fails different masters over independently. One after the other, a lab with
        // both masters down (a node killed) waited for the second failover back after the first.
        var failedBack = await Task.WhenAll(lab.Inventory.Shards.Select(shard => FailBackAsync(shard, within - clock.Elapsed, cancellationToken)));
        done.AddRange(failedBack.OfType<string>());
        IReadOnlyList<string> differences;
        while ((differences = await LabDifferences.FromInventoryAsync(lab, cancellationToken)).Count > 0 && clock.Elapsed < within)
        {
            await Task.Delay(Poll, cancellationToken);
        }
        if (differences.Count > 0)
        {
            throw new ChaosException($"the lab is not back to its inventory after {within.TotalSeconds:0} s: {string.Join("; ", differences)}");
        }
        return done;
    }

    /// <summary>Fails <paramref name="shard"/> over until the inventory's master is its master again; null when it already was.</summary>
    private async Task<string?> FailBackAsync(Shard shard, TimeSpan within, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var failovers = 0;
        string last = "";
        while (clock.Elapsed < within)
        {
            var master = await lab.Masters.OfAsync(shard);
            if (master.Instance == shard.Master)
            {
                return failovers == 0 ? null : $"failed {shard.Name} back to {shard.Master.Name} ({failovers} manual failovers)";
            }
            // Sentinel promotes only a replica that is in sync; a restarted old master first has to rejoin.
            var candidate = await RedisProbe.ReplicationAsync(shard.Master, lab.Endpoints, lab.Password);
            if (master.Instance is null || !candidate.IsReplicaOf(master.Instance))
            {
                last = $"waiting for {shard.Master.Name} to replicate the master ({master}); it is {candidate}";
                await Task.Delay(Poll, cancellationToken);
                continue;
            }
            try
            {
                await lab.Sentinels.FailoverAsync(shard);
                failovers++;
                await WaitForMasterChangeAsync(shard, master.Instance, TimeSpan.FromSeconds(20), cancellationToken);
            }
            catch (ChaosException e)
            {
                // In progress, or no replica good enough yet: both pass.
                last = e.Message;
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
        throw new ChaosException($"could not fail {shard.Name} back to {shard.Master.Name} within {within.TotalSeconds:0} s: {last}");
    }

    private async Task WaitForMasterChangeAsync(Shard shard, RedisInstance from, TimeSpan within, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            var master = await lab.Masters.OfAsync(shard);
            if (master.Instance is not null && master.Instance != from)
            {
                return;
            }
            await Task.Delay(Poll, cancellationToken);
        }
        throw new ChaosException($"SENTINEL FAILOVER of {shard.Name} was accepted but {from.Name} is still its master after {within.TotalSeconds:0} s");
    }
}
