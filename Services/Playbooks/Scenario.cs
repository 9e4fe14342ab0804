namespace RedisHaLab.Playbooks;

/// <summary>A chaos scenario: steps run in order against the lab of one inventory, with a sentence on what it proves.</summary>
/// <param name="SourceFile">The file it was read from, as named in errors and reports.</param>
/// <param name="Description">What the scenario stages and what it expects.</param>
/// <param name="InventoryFile">The inventory whose lab it runs against, a file name under <c>inventories/</c>.</param>
/// <param name="Steps">The steps, in file order.</param>
/// <param name="LeftInPlace">
/// Faults the file says it leaves in place at its end (<c>left_in_place:</c>), each written as the fault step that made it;
/// any other fault still standing at the end is refused, so that a playbook cannot leave damage without saying so.
/// </param>
public sealed record Scenario(string SourceFile, string Description, string InventoryFile, IReadOnlyList<ScenarioStep> Steps, IReadOnlyList<FaultStep> LeftInPlace)
{
    /// <summary>The inventory used when a scenario names none: the post's lab.</summary>
    public const string DefaultInventory = "post-2016.yml";

    /// <summary>The scenario's name: its file name without the extension.</summary>
    public string Name => Path.GetFileNameWithoutExtension(SourceFile);
}
