using YamlDotNet.RepresentationModel;

namespace RedisHaLab.Playbooks;

/// <summary>One kind of step as a playbook writes it: its names (a fault kind has one each) and how its YAML is read.</summary>
public sealed class StepKind
{
    private readonly Func<ScenarioValues, StepInput, ScenarioStep?> _read;

    internal StepKind(string name, Func<ScenarioValues, StepInput, ScenarioStep?> read)
        : this([name], read)
    {
    }

    internal StepKind(IReadOnlyList<string> names, Func<ScenarioValues, StepInput, ScenarioStep?> read)
    {
        Names = names;
        _read = read;
    }

    /// <summary>The names a playbook writes this step with, e.g. <c>wait_for_failover</c>.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The step <paramref name="input"/> writes, or null with each problem kept by <paramref name="values"/>.</summary>
    internal ScenarioStep? Read(ScenarioValues values, StepInput input) => _read(values, input);
}

/// <summary>
/// One item of a playbook's <c>steps:</c> list: the step's name, its value (null for a bare <c>- heal_all</c>), the whole
/// item (where a missing value is reported) and its line.
/// </summary>
internal sealed record StepInput(string Name, YamlNode? Value, YamlNode Item, int Line);
