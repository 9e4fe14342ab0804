using StackExchange.Redis;

namespace RedisHaLab.Playbooks;

/// <summary><c>assert_writes_succeed</c>: until fresh writes through the proxy are all acknowledged and read back.</summary>
public sealed record AssertWritesSucceedStep(int Line, TimeSpan Timeout) : WaitingStep(Line, Timeout)
{
    internal static StepKind Definition { get; } = Define("assert_writes_succeed", (line, timeout) => new AssertWritesSucceedStep(line, timeout));

    private protected override StepKind Kind => Definition;

    internal override async Task<string> RunAsync(PlaybookRun run, CancellationToken cancellationToken)
    {
        await PlaybookRun.Until(() => FreshWritesProblemAsync(run.Proxy), Timeout, "fresh writes acknowledged and read back through the proxy", cancellationToken);
        return "";
    }

    /// <summary>Null when a few fresh keys write and read back through the proxy, else what went wrong.</summary>
    private static async Task<string?> FreshWritesProblemAsync(IDatabase proxy)
    {
        var keys = Enumerable.Range(0, 20).Select(_ => $"fresh:{Guid.NewGuid():N}").ToList();
        try
        {
            var written = await Task.WhenAll(keys.Select(k => proxy.StringSetAsync(k, k)));
            var read = await Task.WhenAll(keys.Select(k => proxy.StringGetAsync(k)));
            var bad = keys.Where((k, i) => !written[i] || read[i] != k).Count();
            return bad == 0 ? null : $"{bad} of {keys.Count} fresh keys did not write and read back";
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return e.Message;
        }
    }
}
