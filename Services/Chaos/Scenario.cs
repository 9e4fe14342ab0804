namespace RedisHaLab.Chaos;

/// <summary>A chaos scenario: steps run in order against the lab of one inventory, with a sentence on what it proves.</summary>
/// <param name="SourceFile">The file it was read from, as named in errors and reports.</param>
/// <param name="Description">What the scenario stages and what it expects.</param>
/// <param name="InventoryFile">The inventory whose lab it runs against, a file name under <c>inventories/</c>.</param>
/// <param name="Steps">The steps, in file order.</param>
public sealed record Scenario(string SourceFile, string Description, string InventoryFile, IReadOnlyList<ScenarioStep> Steps)
{
    /// <summary>The inventory used when a scenario names none: the post's lab.</summary>
    public const string DefaultInventory = "post-2016.yml";

    /// <summary>The scenario's name: its file name without the extension.</summary>
    public string Name => Path.GetFileNameWithoutExtension(SourceFile);
}
