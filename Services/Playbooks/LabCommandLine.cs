namespace RedisHaLab.Playbooks;

/// <summary>One option the AppHost takes: its name, what its value is, whether it may be given more than once.</summary>
public sealed record LabOption(string Name, string Value, bool Repeatable = false)
{
    /// <summary>How the option is written in the list of options: <c>--inventory FILE</c>.</summary>
    public override string ToString() => $"{Name} {Value}{(Repeatable ? " (repeatable)" : "")}";
}

/// <summary>
/// The AppHost's whole command line checked before anything is read or started: every argument an option it knows
/// (its own or Aspire's), written <c>--name VALUE</c> or <c>--name=VALUE</c>, each given once (only <c>--play</c>
/// repeats). Aspire's configuration reads any <c>--name</c> and keeps the last of a repeated one, so without this a
/// typo (<c>--inventroy x</c>) silently starts the default lab.
/// </summary>
public static class LabCommandLine
{
    /// <summary>The inventory file of the lab to start.</summary>
    public const string InventoryOption = "--inventory";

    /// <summary>Whether the sample client app runs with the lab.</summary>
    public const string SampleAppOption = "--sample-app";

    /// <summary>Which lab of several side by side this is (<c>LabPlacement</c>).</summary>
    public const string LabIndexOption = "--lab-index";

    /// <summary>The AppHost's own options.</summary>
    public static IReadOnlyList<LabOption> Own { get; } =
    [
        new(InventoryOption, "FILE"),
        new(PlayCommandLine.Option, "FILE", Repeatable: true),
        new(SampleAppOption, "true|false"),
        new(LabIndexOption, "N"),
        new("--publish", "swarm"),
        new("--output", "DIR"),
        new("--stack", "NAME"),
        new("--image-prefix", "REGISTRY[/PATH]"),
    ];

    /// <summary>
    /// Aspire's own options (Aspire.Hosting 13's command-line switches, and the host's environment and application
    /// name), passed on untouched: <c>eng/manifest.sh</c> gives <c>--publisher manifest --output-path DIR</c>.
    /// </summary>
    public static IReadOnlyList<string> Aspire { get; } =
    [
        "--operation", "--publisher", "--step", "--list-steps", "--output-path", "--log-level", "--include-exception-details",
        "--clear-cache", "--yes", "--dcp-cli-path", "--dcp-container-runtime", "--dcp-dependency-check-timeout",
        "--dcp-dashboard-path", "--environment", "--applicationName", "--contentRoot",
    ];

    /// <summary>Aspire's configuration prefix for parameter values, e.g. <c>--Parameters:redis-password=...</c>.</summary>
    public const string ParameterPrefix = "--Parameters:";

    /// <summary>
    /// Every problem with <paramref name="args"/>, each a sentence saying what to fix, with the list of options after
    /// them when one was unknown; empty when the command line is one the AppHost understands.
    /// </summary>
    public static IReadOnlyList<string> Problems(IReadOnlyList<string> args)
    {
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var unknown = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                problems.Add($"'{Shown(arg)}' is not an option; write options as --name VALUE or --name=VALUE");
                continue;
            }
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? arg : arg[..equals];
            var own = Own.FirstOrDefault(o => o.Name == name);
            if (own is null && name.StartsWith(ParameterPrefix, StringComparison.Ordinal) && name.Length > ParameterPrefix.Length)
            {
                // An Aspire parameter's value (--Parameters:redis-password=...): how the tests and the benchmark give
                // the lab's password. The AppHost checks the parameters it knows itself (LabSecret).
                if (equals < 0 && i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    i++;
                }
                else if (equals < 0)
                {
                    problems.Add($"{name} needs a value ({name}=VALUE)");
                }
                if (!seen.Add(name))
                {
                    problems.Add($"{name} is given more than once; give it once ({name}=VALUE)");
                }
                continue;
            }
            if (own is null && !Aspire.Contains(name))
            {
                unknown = true;
                var near = Nearest(name);
                problems.Add($"unknown option '{Shown(name)}'" + (near is null ? "" : $"; did you mean {near}?"));
                // Its value, if any, is not an option of its own: skip it rather than report it as a second problem.
                if (equals < 0 && i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    i++;
                }
                continue;
            }
            string? value;
            if (equals >= 0)
            {
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                value = null;
            }
            var usage = own?.ToString() ?? $"{name} VALUE";
            if (string.IsNullOrEmpty(value))
            {
                problems.Add($"{name} needs a value ({usage})");
            }
            if (!seen.Add(name) && own is not { Repeatable: true })
            {
                problems.Add($"{name} is given more than once; give it once ({usage})");
            }
        }
        if (unknown)
        {
            problems.Add($"the options are: {string.Join(", ", Own)}; Aspire's parameters as {ParameterPrefix}NAME=VALUE; and Aspire's own: {string.Join(", ", Aspire)}");
        }
        return problems;
    }

    // The option the user most likely meant: the nearest by edit distance, when it is close (a typo, not a new word).
    private static string? Nearest(string name)
    {
        var best = Own.Select(o => o.Name).Concat(Aspire)
            .Select(known => (known, distance: Distance(name, known)))
            .MinBy(k => k.distance);
        return best.distance <= 2 ? best.known : null;
    }

    private static int Distance(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > 2 || a.Length > 64)
        {
            return int.MaxValue;
        }
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
            previous = current;
        }
        return previous[b.Length];
    }

    // An argument as shown in a refusal: bounded, control characters as code points.
    private static string Shown(string text)
    {
        var cut = text.Length > 80 ? text[..80] + "..." : text;
        return string.Concat(cut.Select(c => char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format
            ? $"\\u{(int)c:x4}" : c.ToString()));
    }
}
