using RedisHaLab.Load;
using RedisHaLab.Probes;

namespace RedisHaLab.Playbooks;

/// <summary>
/// <c>assert_no_write_failed</c>: the front door served throughout: the load stopped last had no write refused and none
/// left without an answer, on any shard (a stricter claim than no loss: nothing was even interrupted).
/// </summary>
public sealed record AssertNoWriteFailedStep(int Line) : CountedLoadCheckStep(Line)
{
    internal static StepKind Definition { get; } = Define("assert_no_write_failed", line => new AssertNoWriteFailedStep(line));

    private protected override StepKind Kind => Definition;

    private protected override string Judge(LoadReport last)
    {
        var interrupted = last.Shards.Where(x => x.Failed + x.Indeterminate > 0).ToList();
        return interrupted.Count == 0
            ? $"all {last.Acknowledged} writes acknowledged: none refused, none without an answer"
            : throw new ChaosException($"{last.Failed} writes refused and {last.Indeterminate} without an answer of {last.Acknowledged + last.Failed + last.Indeterminate} ({string.Join("; ", interrupted)})");
    }
}
