namespace RedisHaLab.Topology;

/// <summary>
/// The one way the lab reports problems in a file someone wrote (an inventory, a scenario): <c>file:line: what to fix</c>,
/// every problem at once, so each kind of file reads the same when it is wrong.
/// </summary>
public static class FileProblems
{
    /// <summary><c>file:line: message</c> for one problem; a header and one such line each for several.</summary>
    public static string Describe(string file, IReadOnlyList<(int Line, string Message)> problems) =>
        problems.Count == 1
            ? $"{file}:{problems[0].Line}: {problems[0].Message}"
            : $"{file} has {problems.Count} problems:" + string.Concat(problems.Select(p => $"\n  {file}:{p.Line}: {p.Message}"));
}
