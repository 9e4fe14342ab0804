using RedisHaLab.Topology;

namespace RedisHaLab.Playbooks;

/// <summary>What the AppHost's process ends with when it runs playbooks (<c>--play</c>).</summary>
public static class PlayExitCodes
{
    /// <summary>Every assertion of every playbook held.</summary>
    public const int Passed = 0;

    /// <summary>A step failed: an assertion did not hold, or a fault or a wait could not be done.</summary>
    public const int StepFailed = 1;

    /// <summary>A file or an option is wrong: nothing was started.</summary>
    public const int BadInput = 2;

    /// <summary>The exit code for a finished set of runs.</summary>
    public static int For(IReadOnlyList<PlaybookResult> results) =>
        results.Count > 0 && results.All(r => r.Passed) ? Passed : StepFailed;
}

/// <summary>
/// The AppHost's <c>--play FILE</c> options, taken out of its arguments before Aspire reads them (configuration would
/// keep only the last of several), and the files they name loaded and validated before anything starts.
/// </summary>
public static class PlayCommandLine
{
    /// <summary>The option: <c>--play scenarios/kill-node22.yml</c>, repeatable, run in the order given.</summary>
    public const string Option = "--play";

    /// <summary>
    /// Splits <paramref name="args"/> into the playbook files (<c>--play F</c> or <c>--play=F</c>) and everything else, in
    /// order. <paramref name="problem"/> is set when a <c>--play</c> has no file after it.
    /// </summary>
    public static (IReadOnlyList<string> Files, string[] HostArgs) Split(IReadOnlyList<string> args, out string? problem)
    {
        problem = null;
        var files = new List<string>();
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.StartsWith(Option + "=", StringComparison.Ordinal))
            {
                var value = arg[(Option.Length + 1)..];
                if (value.Length == 0)
                {
                    problem = $"{Option}= names no file; give a playbook, e.g. {Option} scenarios/kill-master-g1.yml";
                }
                files.Add(value);
            }
            else if (arg == Option)
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    problem = $"{Option} names no file; give a playbook, e.g. {Option} scenarios/kill-master-g1.yml";
                    continue;
                }
                files.Add(args[++i]);
            }
            else
            {
                rest.Add(arg);
            }
        }
        return (files, rest.ToArray());
    }

    /// <summary>
    /// Finds <paramref name="given"/> as the inventory is found: as given (absolute, or relative to the current folder)
    /// when it exists, else under <paramref name="repositoryRoot"/>.
    /// </summary>
    public static string Resolve(string given, string repositoryRoot) =>
        Path.IsPathRooted(given) || File.Exists(given) ? Path.GetFullPath(given) : Path.GetFullPath(Path.Combine(repositoryRoot, given));

    /// <summary>
    /// Loads and validates every file against the lab of <paramref name="inventory"/>: all of them, so every problem is
    /// reported at once (each <c>file:line: what to fix</c>). Playbooks are returned only when there is no problem.
    /// </summary>
    public static IReadOnlyList<Scenario> LoadAll(IReadOnlyList<string> files, string repositoryRoot, Inventory inventory, out IReadOnlyList<string> problems)
    {
        var found = new List<string>();
        var playbooks = new List<Scenario>();
        var inventoryFile = Path.GetFileName(inventory.SourceFile);
        foreach (var given in files)
        {
            var path = Resolve(given, repositoryRoot);
            try
            {
                var playbook = ScenarioLoader.Load(path, given);
                if (playbook.InventoryFile != Scenario.DefaultInventory && playbook.InventoryFile != inventoryFile)
                {
                    throw new ScenarioException(given, [new(InventoryLine(path),
                        $"this playbook plays on the lab of {playbook.InventoryFile}, but the lab is {inventoryFile}; run it with --inventory inventories/{playbook.InventoryFile}")]);
                }
                ScenarioValidator.Validate(playbook, inventory);
                playbooks.Add(playbook);
            }
            catch (ScenarioException e)
            {
                found.AddRange(e.Problems.Select(p => $"{e.File}:{p.Line}: {p.Message}"));
            }
        }
        problems = found;
        return found.Count == 0 ? playbooks : [];
    }

    private static int InventoryLine(string path)
    {
        var lines = File.ReadAllLines(path);
        var index = Array.FindIndex(lines, l => l.StartsWith("inventory:", StringComparison.Ordinal));
        return index < 0 ? 1 : index + 1;
    }
}
