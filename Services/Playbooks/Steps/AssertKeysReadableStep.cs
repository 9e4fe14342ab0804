using RedisHaLab.Faults;
using RedisHaLab.Probes;

namespace RedisHaLab.Playbooks;

/// <summary><c>assert_keys_readable</c>: until every key of <c>write_keys</c> reads back through the proxy.</summary>
public sealed record AssertKeysReadableStep(int Line, TimeSpan Timeout) : WaitingStep(Line, Timeout)
{
    internal static StepKind Definition { get; } = Define("assert_keys_readable", (line, timeout) => new AssertKeysReadableStep(line, timeout));

    private protected override StepKind Kind => Definition;

    internal override async Task<string> RunAsync(PlaybookRun run, CancellationToken cancellationToken)
    {
        try
        {
            await PlaybookRun.Until(async () =>
            {
                var readback = await run.Keys.ReadBackAsync(run.Proxy);
                return readback.Unreadable == 0 ? null : readback.ToString();
            }, Timeout, "every key readable through the proxy", cancellationToken);
        }
        catch (ChaosException e)
        {
            // Asked only now: whether the Sentinels failed the shards over, to tell lost data from stale routing.
            throw new ChaosException($"{e.Message}; {await MastersNowAsync(run.Lab)}");
        }
        if (run.PendingFault is { } pending)
        {
            run.Recoveries.Add(new Recovery(pending.Fault, pending.Clock.Elapsed));
            run.PendingFault = null;
            return $"all {run.Keys.Count} keys readable, {pending.Clock.Elapsed.TotalSeconds:0.00} s after '{pending.Fault}'";
        }
        return $"all {run.Keys.Count} keys readable";
    }

    /// <summary>Each shard's master as its instances' ROLE and the Sentinels' majority say, for a failure's message.</summary>
    private static async Task<string> MastersNowAsync(ChaosLab lab)
    {
        var shards = await Task.WhenAll(lab.Inventory.Shards.Select(async shard =>
            $"{shard.Name}: {await lab.Masters.OfAsync(shard)}, Sentinels name {await lab.Sentinels.MasterOfAsync(shard)}"));
        return $"masters now: {string.Join("; ", shards)}";
    }
}
