using RedisHaLab.Topology;

namespace RedisHaLab.Playbooks;

/// <summary>One thing wrong with a scenario file: its line and what to do about it.</summary>
public sealed record ScenarioProblem(int Line, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"line {Line}: {Message}";
}

/// <summary>A scenario that cannot run; the message names the file, each problem's line and its fix, as for inventories.</summary>
public sealed class ScenarioException(string file, IReadOnlyList<ScenarioProblem> problems)
    : Exception(FileProblems.Describe(file, problems.Select(p => (p.Line, p.Message)).ToList()))
{
    /// <summary>The scenario file.</summary>
    public string File { get; } = file;

    /// <summary>Every problem found, in file order.</summary>
    public IReadOnlyList<ScenarioProblem> Problems { get; } = problems;
}
