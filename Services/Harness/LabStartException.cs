namespace RedisHaLab.Harness;

/// <summary>
/// A lab's start stopped because one part did not come up: Aspire gave up on it (it failed to start, or exited before
/// it was healthy). The message says what Aspire and the engine saw of it, so a CI log names the cause, not just the part.
/// </summary>
public sealed class LabStartException(string part, string why) : Exception($"{part} did not start: {why}")
{
    /// <summary>How many of the container's last output lines the message quotes.</summary>
    public const int OutputLines = 10;

    /// <summary>The resource (and container) name of the part that did not start.</summary>
    public string Part { get; } = part;

    /// <summary>
    /// Aspire's state and exit code, then the engine's report (<see cref="ContainerReport"/>), or why there is none: no
    /// container of that name, or an engine that could not be asked (<paramref name="engineProblem"/>).
    /// </summary>
    public static string Describe(string? aspireState, int? exitCode, ContainerReport? report, string? engineProblem = null)
    {
        var aspire = aspireState is null ? "Aspire has no state for it" : $"Aspire's state '{aspireState}'";
        if (exitCode is { } code)
        {
            aspire += $" (exit code {code})";
        }
        var engine = (report, engineProblem) switch
        {
            (_, { } problem) => $"the engine could not be asked: {problem}",
            ({ } seen, _) => seen.ToString(),
            _ => "the engine has no container of that name",
        };
        return $"{aspire}; {engine}";
    }
}
