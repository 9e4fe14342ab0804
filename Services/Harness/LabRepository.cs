namespace RedisHaLab.Harness;

/// <summary>
/// Where the repository is on this machine: the first folder, going up from a starting folder, that holds
/// <see cref="SolutionFile"/>. The benchmarks and the tests find their inventories, playbooks and report folders from
/// it.
/// </summary>
public static class LabRepository
{
    /// <summary>The file that marks the repository's root.</summary>
    public const string SolutionFile = "Lab.sln";

    /// <summary>The root above the first of <paramref name="starts"/> that has one, or null when none has.</summary>
    public static string? Find(params string[] starts)
    {
        foreach (var start in starts)
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, SolutionFile)))
                {
                    return folder.FullName;
                }
            }
        }
        return null;
    }

    /// <summary>The root above the current folder or, failing that, above the running program; null when neither is inside the repository.</summary>
    public static string? OfThisProgram() => Find(Directory.GetCurrentDirectory(), AppContext.BaseDirectory);

    /// <summary>What a program says when it is run from outside the repository.</summary>
    public const string NotFound = $"run this from inside the repository: no {SolutionFile} above the current folder or the program";
}

/// <summary>How the lab's console programs (the benchmarks, the client matrix) stop on Ctrl+C.</summary>
public static class ConsoleStop
{
    /// <summary>
    /// A source cancelled by the first Ctrl+C, which the program then lets finish cleanly (clients stopped, the lab
    /// stopped and its containers removed); a second Ctrl+C ends the process at once.
    /// </summary>
    public static CancellationTokenSource OnCtrlC()
    {
        var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = !cancel.IsCancellationRequested;
            cancel.Cancel();
        };
        return cancel;
    }
}
