using System.Diagnostics;
using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.Faults;

/// <summary>
/// A forged Sentinel announcement, staged as any local process that reaches a Sentinel can stage one today, and its
/// undoing. The forgery PUBLISHes a hello (<see cref="SentinelHello"/>) with an epoch above every Sentinel's to each
/// of them: they switch the shard's master to the forged address and emit <c>+switch-master</c> with it.
/// </summary>
/// <remarks>
/// A forgery must be undone within seconds: about 8 s after it, a Sentinel that believes it turns the shard's real
/// master into a replica of the forged address (<c>+convert-to-slave</c>), and a full resync throws the shard's data
/// away. The undoing names the real master (the one answering ROLE master) with a still higher epoch, then resets the
/// Sentinels' memory of the shard's replicas and fellow Sentinels, which the switch back would otherwise poison the
/// same way.
/// </remarks>
public sealed class SentinelForgery(Inventory inventory, SentinelView sentinels)
{
    /// <summary>How long a restore waits for a majority of the Sentinels to name the real master with its replicas again.</summary>
    public static readonly TimeSpan RestoreWithin = TimeSpan.FromSeconds(30);

    /// <summary>How long a forgery keeps sending its hello again until a majority holds it; short, since its undoing is due within seconds.</summary>
    public static readonly TimeSpan ForgeWithin = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    private int Majority => inventory.Sentinels.Majority;

    /// <summary>Tells every Sentinel that <paramref name="announced"/> masters <paramref name="shard"/>; returns what they made of it.</summary>
    /// <exception cref="ChaosException">Fewer than a majority of the Sentinels adopted it: the forgery would prove nothing.</exception>
    public async Task<string> ForgeAsync(Shard shard, RedisInstance announced)
    {
        var hello = SentinelHello.Forged(shard, announced, SentinelHello.EpochAbove(await sentinels.ConfigEpochsAsync(shard)));
        var clock = Stopwatch.StartNew();
        var outcomes = await sentinels.AnnounceAsync(hello, thenReset: false);
        // A Sentinel that adopts a new master rewrites and fsyncs its config file before it answers again; on a busy
        // machine that has outlasted the quick timeout (seen in CI: two of three timed out). So the same hello is sent
        // again until a majority holds it: a Sentinel that already has it ignores it (same epoch, nothing newer).
        var adopted = outcomes.Count(o => o.Adopted(hello));
        while (adopted < Majority && clock.Elapsed < ForgeWithin)
        {
            await Task.Delay(Poll);
            outcomes = await sentinels.AnnounceAsync(hello, thenReset: false);
            adopted = outcomes.Count(o => o.Adopted(hello));
        }
        return adopted >= Majority
            ? $"'{hello.Payload}' adopted by {adopted} of {outcomes.Count} Sentinels"
            : throw new ChaosException($"only {adopted} of {outcomes.Count} Sentinels adopted '{hello.Payload}', a majority is needed: {string.Join("; ", outcomes)}");
    }

    /// <summary>
    /// Names the shard's real master to every Sentinel again, resets their view of the shard, and waits (bounded) until a
    /// majority names that master with exactly its replicas and no forged Sentinel; returns what it did.
    /// </summary>
    /// <exception cref="ChaosException">No single instance of the shard answers ROLE master, or the Sentinels do not agree in time.</exception>
    public async Task<string> RestoreAsync(Shard shard, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        // By ROLE only: the Sentinels are the ones lied to, so their majority is no evidence here.
        var roles = await ShardMasters.RolesAsync(shard, sentinels.Endpoints, sentinels.Password);
        var master = ShardMasters.ByRole(roles) ?? throw new ChaosException(
            $"cannot restore {shard.Name}: not exactly one of its instances answers ROLE master ({string.Join(", ", roles)}); " +
            "if a Sentinel has already made its master a replica of the forged one, the shard's data is gone: start a fresh lab");
        var hello = SentinelHello.Forged(shard, master, SentinelHello.EpochAbove(await sentinels.ConfigEpochsAsync(shard)));
        var outcomes = await sentinels.AnnounceAsync(hello, thenReset: true);
        while (true)
        {
            var replicas = await ReplicasOfAsync(shard, master, sentinels.Endpoints, sentinels.Password);
            var views = await sentinels.ShardViewsAsync(shard);
            var differences = views.Select(v => v.Difference(master, replicas)).ToList();
            var agreeing = differences.Count(d => d is null);
            if (agreeing >= Majority)
            {
                return $"'{hello.Payload}' adopted by {outcomes.Count(o => o.Adopted(hello))} of {outcomes.Count} Sentinels; " +
                       $"{agreeing} name {master.Name} with [{string.Join(", ", replicas.Select(r => r.Name))}] after {clock.Elapsed.TotalSeconds:0.0} s";
            }
            if (clock.Elapsed >= RestoreWithin)
            {
                throw new ChaosException($"after restoring {master.Name} as master of {shard.Name}, only {agreeing} Sentinels agree within " +
                                         $"{RestoreWithin.TotalSeconds:0} s: {string.Join("; ", differences.OfType<string>())}");
            }
            await Task.Delay(Poll, cancellationToken);
        }
    }

    /// <summary>The shard's instances that replicate <paramref name="master"/> now, link up: what a Sentinel should list as its replicas.</summary>
    private static async Task<IReadOnlyList<RedisInstance>> ReplicasOfAsync(Shard shard, RedisInstance master, LabEndpoints endpoints, string? password)
    {
        var others = shard.Replicas.Prepend(shard.Master).Where(i => i != master).ToList();
        var infos = await Task.WhenAll(others.Select(i => RedisProbe.ReplicationAsync(i, endpoints, password)));
        return others.Where((_, i) => infos[i].IsReplicaOf(master)).ToList();
    }
}
