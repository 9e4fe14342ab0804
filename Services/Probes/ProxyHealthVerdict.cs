using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;
using RedisHaLab.Topology;

namespace RedisHaLab.Probes;

/// <summary>How writing and reading back one health key through the proxy went: <paramref name="Failure"/> null when it did both.</summary>
public sealed record HealthKeyOutcome(HealthKey Key, string? Failure);

/// <summary>The proxy health check's verdict from its keys' outcomes, apart from the I/O so that tests can hold it.</summary>
public static class ProxyHealthVerdict
{
    // A verdict names at most this many shards or keys per reason, then counts the rest.
    private const int NamedPerReason = 4;

    // Server errors are shown whole up to here (READONLY's and twemproxy's fit); longer ones are cut.
    private const int MaxReasonLength = 120;

    /// <summary>
    /// Healthy when every key was written and read back ("writes and reads on g1, g2"); else Unhealthy, naming the shards
    /// (or keys) that failed, grouped by why ("g1: READONLY ...; g2, g3: timeout ...").
    /// </summary>
    public static HealthCheckResult Of(IReadOnlyList<HealthKeyOutcome> outcomes)
    {
        var failed = outcomes.Where(o => o.Failure is not null).ToList();
        if (failed.Count > 0)
        {
            return HealthCheckResult.Unhealthy(string.Join("; ", failed
                .GroupBy(o => o.Failure)
                .Select(reason => $"{Named(reason.Select(o => o.Key.Label).ToList())}: {reason.Key}")));
        }
        return outcomes.All(o => o.Key.Shard is not null)
            ? HealthCheckResult.Healthy($"writes and reads on {string.Join(", ", outcomes.Select(o => o.Key.Shard))}")
            : HealthCheckResult.Healthy($"writes and reads {outcomes.Count} keys (shards not computed for this hash)");
    }

    /// <summary>What is wrong with reading <paramref name="read"/> back after writing <paramref name="written"/>; null when nothing is.</summary>
    /// <param name="written">The value the check wrote.</param>
    /// <param name="read">What the GET that followed returned.</param>
    /// <param name="mustMatch">False when the GET may reach another server than the SET (see <see cref="HealthKeys.ReadsBackWhatItWrote"/>).</param>
    public static string? ReadBackProblem(string written, RedisValue read, bool mustMatch) =>
        !mustMatch || read == written ? null
        : read.IsNull ? "read back nothing after the write"
        : $"read back '{Cut(read.ToString())}', not the value written";

    /// <summary>Why one key's write or read failed, in a few words ("timeout", "READONLY ...", "no connection (...)").</summary>
    public static string Reason(Exception e, TimeSpan budget) => e switch
    {
        OperationCanceledException or TimeoutException => string.Create(CultureInfo.InvariantCulture, $"timeout (no answer within {budget.TotalSeconds:0.0#} s)"),
        RedisConnectionException c => $"no connection to it ({c.FailureType})",
        _ => Cut(e.Message),
    };

    private static string Named(IReadOnlyList<string> labels) =>
        labels.Count <= NamedPerReason
            ? string.Join(", ", labels)
            : $"{string.Join(", ", labels.Take(NamedPerReason))} and {labels.Count - NamedPerReason} more";

    private static string Cut(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= MaxReasonLength ? line : line[..MaxReasonLength] + "...";
    }
}
