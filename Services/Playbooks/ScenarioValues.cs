using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using RedisHaLab.Faults;
using RedisHaLab.Topology;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace RedisHaLab.Playbooks;

/// <summary>
/// Reads the values of a scenario file (targets, durations, numbers, a step's settings) from YAML nodes, each of which
/// knows its line, and keeps every problem with its line and its fix instead of stopping at the first.
/// </summary>
internal abstract class ScenarioValues
{
    /// <summary>What a step's timeout is when it gives none: several failovers' worth on this lab's settings.</summary>
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Every problem found so far.</summary>
    public List<ScenarioProblem> Problems { get; } = [];

    /// <summary>The 1-based line of a position in the file.</summary>
    public static int LineOf(Mark mark) => Math.Max(1, (int)mark.Line);

    /// <summary>True for a value written as nothing, <c>~</c> or <c>null</c> (YAML's null), or as <c>""</c>.</summary>
    public static bool IsEmpty([NotNullWhen(false)] YamlNode? node) =>
        node is null || node is YamlScalarNode scalar && (scalar.Value is null or "" || YamlOutline.IsNull(scalar.Value, scalar.Style));

    /// <summary>
    /// A step's settings as a mapping: every required key present, nothing unknown. With no required keys the value
    /// may be absent altogether (<c>- assert_keys_readable</c>), which gives an empty mapping.
    /// </summary>
    internal Dictionary<string, YamlNode>? Arguments(YamlNode? value, YamlNode item, string step, string[] required, string[] optional, string example)
    {
        if (IsEmpty(value))
        {
            if (required.Length == 0)
            {
                return [];
            }
            Problem(item, $"{step} needs {string.Join(" and ", required)}; write e.g. '{example}'");
            return null;
        }
        if (value is not YamlMappingNode mapping)
        {
            Problem(value, $"{step} takes its settings as a mapping, e.g. '{example}'");
            return null;
        }
        var keys = Keys(mapping, step, [.. required, .. optional]);
        var missing = required.Where(r => !keys.ContainsKey(r)).ToList();
        if (missing.Count > 0)
        {
            Problem(mapping, $"{step} is missing {string.Join(" and ", missing.Select(m => $"'{m}'"))}; write e.g. '{example}'");
            return null;
        }
        return keys.Count == mapping.Children.Count ? keys : null;
    }

    /// <summary>The mapping's keys with their values; an unknown key is a problem and is left out (a repeated one never gets here: <see cref="YamlOutline"/> refuses it).</summary>
    internal Dictionary<string, YamlNode> Keys(YamlMappingNode mapping, string what, string[] allowed)
    {
        var keys = new Dictionary<string, YamlNode>();
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!allowed.Contains(key))
            {
                Problem(keyNode, $"unknown key {YamlOutline.Shown(key)} in {what}; allowed here: {string.Join(", ", allowed)}");
                continue;
            }
            keys[key] = value;
        }
        return keys;
    }

    /// <summary>A target in one of <see cref="FaultTarget.Forms"/>; <paramref name="item"/> is the step, for the line when there is no value.</summary>
    internal FaultTarget? Target(YamlNode? value, YamlNode item, string step, string example)
    {
        if (IsEmpty(value))
        {
            Problem(item, $"{step} needs a target; write e.g. '{example}'");
            return null;
        }
        var text = Text(value, step);
        if (text is null)
        {
            return null;
        }
        if (FaultTarget.TryParse(text, out var target))
        {
            return target;
        }
        Problem(value, $"{YamlOutline.Shown(text)} is not a target; write one of: {FaultTarget.Forms}");
        return null;
    }

    /// <summary><c>master</c> or <c>replica</c>.</summary>
    internal RedisRole? Role(YamlNode value)
    {
        var text = Text(value, "role");
        switch (text)
        {
            case "master":
                return RedisRole.Master;
            case "replica":
                return RedisRole.Replica;
            case null:
                return null;
            default:
                Problem(value, $"role {YamlOutline.Shown(text)} is unknown; use 'master' or 'replica'");
                return null;
        }
    }

    /// <summary>The <c>timeout</c> among a step's settings (at most 10 minutes), or the default when it gives none.</summary>
    internal TimeSpan? Timeout(Dictionary<string, YamlNode>? args)
    {
        if (args is null)
        {
            return null;
        }
        return args.TryGetValue("timeout", out var node) ? Duration(node, "timeout", TimeSpan.FromMinutes(10)) : DefaultTimeout;
    }

    /// <summary>A duration such as <c>30s</c>, more than zero and at most <paramref name="longest"/>.</summary>
    internal TimeSpan? Duration(YamlNode node, string what, TimeSpan longest)
    {
        var text = Text(node, what);
        if (text is null)
        {
            return null;
        }
        if (!DurationText.TryParse(text, out var duration))
        {
            Problem(node, $"{what} {YamlOutline.Shown(text)} is not a duration; write a number and a unit: 2500ms, 30s or 1.5m");
            return null;
        }
        if (duration <= TimeSpan.Zero || duration > longest)
        {
            Problem(node, $"{what} {text} is out of range; use more than 0 and at most {DurationText.Format(longest)}");
            return null;
        }
        return duration;
    }

    /// <summary>A whole number from <paramref name="least"/> to <paramref name="most"/>.</summary>
    internal int? Number(YamlNode? node, YamlNode item, string what, int least, int most, string example)
    {
        if (node is null)
        {
            Problem(item, $"{what} needs a number; write e.g. '{example}'");
            return null;
        }
        var text = Text(node, what);
        if (text is null)
        {
            return null;
        }
        if (!PlainNumbers.TryParse(text, least, most, out var number, out var why))
        {
            Problem(node, $"{what} {YamlOutline.Shown(InventoryLimits.Clipped(text))} {why}, e.g. '{example}'");
            return null;
        }
        return number;
    }

    /// <summary>True when a step that takes no value was given none.</summary>
    internal bool NoValue(YamlNode? value, string step)
    {
        if (IsEmpty(value))
        {
            return true;
        }
        Problem(value, $"{step} takes no value; write just '- {step}'");
        return false;
    }

    /// <summary>Records that a step lacks its value; always null.</summary>
    internal string? Missing(YamlNode item, string step, string example)
    {
        Problem(item, $"{step} needs a value; write e.g. '{example}'");
        return null;
    }

    /// <summary>
    /// A non-empty single value, on one line unless <paramref name="multiLine"/> (free text such as a description): a line
    /// break or another control character in a name or a target is a mistake, or an attempt to pass for something else.
    /// </summary>
    internal string? Text(YamlNode node, string what, bool multiLine = false)
    {
        if (node is YamlScalarNode { Value: { } text } && !IsEmpty(node))
        {
            if (YamlOutline.HasControlCharacters(multiLine ? text.Replace("\n", "").Replace("\t", "") : text))
            {
                Problem(node, $"{what} {YamlOutline.Shown(text)} holds a line break or another control character; write it on one line");
                return null;
            }
            return text;
        }
        Problem(node, node is YamlScalarNode ? $"{what} is empty; give it a value" : $"{what} must be a single value, not a list or a mapping");
        return null;
    }

    /// <summary>Records a problem at the line where <paramref name="at"/> starts.</summary>
    internal void Problem(YamlNode at, string message) =>
        Problems.Add(new ScenarioProblem(LineOf(at.Start), message));
}
