namespace RedisHaLab.Topology;

/// <summary>One thing wrong with an inventory: where it is and what to do about it.</summary>
public sealed record InventoryProblem(int Line, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"line {Line}: {Message}";
}

/// <summary>An inventory that cannot be used; the message names the file, each problem's line and its fix.</summary>
public sealed class InventoryException(string file, IReadOnlyList<InventoryProblem> problems)
    : Exception(Describe(file, problems))
{
    /// <summary>The inventory file.</summary>
    public string File { get; } = file;

    /// <summary>Every problem found, in file order.</summary>
    public IReadOnlyList<InventoryProblem> Problems { get; } = problems;

    private static string Describe(string file, IReadOnlyList<InventoryProblem> problems) =>
        FileProblems.Describe(file, problems.Select(p => (p.Line, p.Message)).ToList());
}
