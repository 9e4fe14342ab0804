using System.Text.RegularExpressions;
using RedisHaLab.Faults;
using RedisHaLab.Topology;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace RedisHaLab.Playbooks;

/// <summary>
/// Reads a scenario file into a <see cref="Scenario"/>, reporting every problem at once with its line and its fix, as
/// <see cref="InventoryLoader"/> does for inventories. The file is read as YAML nodes, each of which knows where it
/// starts, since a step list mixes shapes (<c>- heal_all</c>, <c>- kill: master of g1</c>, <c>- wait_for_failover: { ... }</c>).
/// </summary>
public static partial class ScenarioLoader
{
    /// <summary>The most steps a playbook may have: the shipped ones have at most 30, and 200 in 10 minutes is 3 s a step.</summary>
    public const int MaxSteps = 200;

    private static readonly string[] TopLevelKeys = ["description", "inventory", "steps", "left_in_place"];

    /// <summary>Loads <paramref name="path"/>; <paramref name="displayName"/> (default: the path) names it in errors.</summary>
    /// <exception cref="ScenarioException">The file is missing, is not valid YAML, or is not a scenario.</exception>
    public static Scenario Load(string path, string? displayName = null)
    {
        var name = displayName ?? path;
        if (InputFile.ReadText(path, "a playbook (they live in scenarios/*.yml)", out var problem) is not { } text)
        {
            throw new ScenarioException(name, [new(1, problem!)]);
        }
        return Parse(text, name);
    }

    /// <summary>Parses scenario text; <paramref name="file"/> only names it in errors and reports.</summary>
    /// <exception cref="ScenarioException">The text is not valid YAML or is not a scenario.</exception>
    public static Scenario Parse(string yaml, string file)
    {
        // First the file's shape, read without recursion: YamlStream.Load recurses once per level of nesting, and
        // 100,000 brackets would overflow the stack and kill the process; it also refuses a repeated key without saying
        // where the first one is. Any of these stops the reading, each reported with its line.
        var outline = YamlOutline.Read(yaml, "a scenario");
        if (outline.Problems.Count > 0)
        {
            throw new ScenarioException(file, outline.Problems.Select(p => new ScenarioProblem(p.Line, p.Message)).OrderBy(p => p.Line).ToList());
        }
        var stream = new YamlStream();
        var scanner = new Scanner(new StringReader(yaml));
        try
        {
            stream.Load(new Parser(scanner));
        }
        catch (YamlException e)
        {
            var reason = e.InnerException?.Message ?? e.Message;
            throw new ScenarioException(file, [new(ScenarioValues.LineOf(e.Start), $"not valid YAML: {reason}")]);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner can trip over some unclosed brackets without a YamlException; where it stopped is the place to look.
            throw new ScenarioException(file, [new(ScenarioValues.LineOf(scanner.CurrentPosition), "not valid YAML: check the brackets and quotes on this line and the one before")]);
        }
        if (stream.Documents.Count == 0 || ScenarioValues.IsEmpty(stream.Documents[0].RootNode))
        {
            throw new ScenarioException(file, [new(1, "the file is empty; start from scenarios/kill-master-g1.yml")]);
        }
        var reading = new Reading();
        var scenario = reading.Scenario(stream.Documents[0].RootNode, file);
        if (reading.Problems.Count > 0 || scenario is null)
        {
            throw new ScenarioException(file, reading.Problems.OrderBy(p => p.Line).ToList());
        }
        return scenario;
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.-]+\.ya?ml\z")]
    private static partial Regex InventoryFileName();

    /// <summary>One pass over a document: collects every problem instead of stopping at the first.</summary>
    private sealed class Reading : ScenarioValues
    {
        public Scenario? Scenario(YamlNode root, string file)
        {
            if (root is not YamlMappingNode document)
            {
                Problem(root, "a scenario is a mapping with 'description', 'inventory' (optional) and 'steps'; see scenarios/kill-master-g1.yml");
                return null;
            }
            var keys = Keys(document, "the scenario", TopLevelKeys);
            var description = keys.TryGetValue("description", out var d) ? Text(d, "description", multiLine: true) : null;
            if (!keys.ContainsKey("description"))
            {
                Problem(document, "missing 'description'; say in a sentence what the scenario stages and what it expects");
            }
            var inventory = InventoryFile(keys);
            if (!keys.TryGetValue("steps", out var stepsNode))
            {
                Problem(document, "missing 'steps'; list what to do, e.g. 'steps:' then '  - kill: master of g1'");
                return null;
            }
            if (stepsNode is not YamlSequenceNode { Children.Count: > 0 } sequence)
            {
                Problem(stepsNode, "'steps' must be a list with at least one step, each on a '- ' line");
                return null;
            }
            if (sequence.Children.Count > MaxSteps)
            {
                // Counted before any step is read: the checks after compare steps with the faults standing before them.
                Problem(stepsNode, $"{sequence.Children.Count} steps is more than a playbook holds: at most {MaxSteps}, since a playbook runs at most " +
                                   $"{StepBudget.PlaybookWithin.TotalMinutes:0} minutes and its report lists every step; split it into several playbooks");
                return null;
            }
            var steps = sequence.Children.Select(Step).ToList();
            var left = LeftInPlace(keys);
            return description is null || inventory is null || steps.Any(s => s is null) || left is null
                ? null
                : new Scenario(file, description, inventory, steps!, left);
        }

        /// <summary><c>left_in_place:</c>, a list of fault steps as the file wrote them; empty when absent.</summary>
        private List<FaultStep>? LeftInPlace(Dictionary<string, YamlNode> keys)
        {
            if (!keys.TryGetValue("left_in_place", out var node))
            {
                return [];
            }
            if (node is not YamlSequenceNode { Children.Count: > 0 } list)
            {
                Problem(node, "'left_in_place' lists the faults the playbook leaves standing at its end, each as its step wrote it, e.g. 'left_in_place:' then '  - kill: master of g1'");
                return null;
            }
            var faults = new List<FaultStep>();
            foreach (var item in list.Children)
            {
                switch (Step(item))
                {
                    case FaultStep fault when fault.Kind.IsStanding():
                        faults.Add(fault);
                        break;
                    case null:
                        return null;
                    case var other:
                        Problem(item, $"'{other.Text}' is not a fault that stays in place; 'left_in_place' lists kill, stop, pause, partition or isolate steps");
                        return null;
                }
            }
            return faults;
        }

        private string? InventoryFile(Dictionary<string, YamlNode> keys)
        {
            if (!keys.TryGetValue("inventory", out var node))
            {
                return Playbooks.Scenario.DefaultInventory;
            }
            var inventory = Text(node, "inventory");
            if (inventory is not null && !InventoryFileName().IsMatch(inventory))
            {
                Problem(node, $"inventory '{inventory}' must be a file name under inventories/, e.g. 'inventory: {Playbooks.Scenario.DefaultInventory}'");
                return null;
            }
            return inventory;
        }

        private ScenarioStep? Step(YamlNode item)
        {
            string name;
            YamlNode? value = null;
            switch (item)
            {
                case YamlScalarNode scalar:
                    name = IsEmpty(scalar) ? "" : scalar.Value!;
                    break;
                case YamlMappingNode { Children.Count: 1 } mapping:
                    var (key, v) = mapping.Children.Single();
                    name = (key as YamlScalarNode)?.Value ?? "";
                    value = v;
                    break;
                case YamlMappingNode mapping:
                    Problem(item, $"a step is one 'name: value' pair, this one has {mapping.Children.Count} " +
                                  $"({string.Join(", ", mapping.Children.Keys)}); put each on its own '- ' line");
                    return null;
                default:
                    Problem(item, "a step is 'name' or 'name: value', not a list");
                    return null;
            }
            if (StepKinds.ByName.TryGetValue(name, out var kind))
            {
                return kind.Read(this, new StepInput(name, value, item, LineOf(item.Start)));
            }
            var suggestion = Closest(name);
            Problem(item, name.Length == 0
                ? $"a step needs a name; use one of: {string.Join(", ", StepKinds.Names)}"
                : $"unknown step {YamlOutline.Shown(name)}{(suggestion is null ? "" : $" (did you mean '{suggestion}'?)")}; use one of: {string.Join(", ", StepKinds.Names)}");
            return null;
        }

        /// <summary>The step name <paramref name="name"/> is most likely a typo of (at most two letters off), if any.</summary>
        private static string? Closest(string name) =>
            StepKinds.Names.Select(s => (Name: s, Distance: EditDistance(s, name)))
                .Where(s => s.Distance <= 2)
                .OrderBy(s => s.Distance)
                .Select(s => s.Name)
                .FirstOrDefault();

        private static int EditDistance(string a, string b)
        {
            var row = Enumerable.Range(0, b.Length + 1).ToArray();
            for (var i = 1; i <= a.Length; i++)
            {
                var diagonal = row[0];
                row[0] = i;
                for (var j = 1; j <= b.Length; j++)
                {
                    var above = row[j];
                    row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                    diagonal = above;
                }
            }
            return row[b.Length];
        }
    }
}
