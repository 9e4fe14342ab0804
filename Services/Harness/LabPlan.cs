using System.Globalization;
using System.Security.Cryptography;
using RedisHaLab.Playbooks;
using RedisHaLab.Topology;

namespace RedisHaLab.Harness;

/// <summary>
/// What a lab start started from the host (a test, a benchmark) is given: the inventory file, placed at its lab index,
/// the password when the inventory turns authentication on, and the AppHost's command line that says all of it.
/// </summary>
/// <param name="InventoryPath">The inventory file, as the AppHost's <c>--inventory</c> takes it.</param>
/// <param name="Inventory">The inventory placed at <paramref name="LabIndex"/> (<see cref="LabPlacement"/>): the names and addresses the started lab has.</param>
/// <param name="LabIndex">Which lab of several side by side (0: the inventory as written).</param>
/// <param name="Password">The lab's password, null when its inventory has no authentication.</param>
/// <param name="SampleApp">
/// Whether the sample client app runs with the lab. Off unless asked for: tests bring their own clients, and a
/// benchmark would measure its traffic as the lab's.
/// </param>
public sealed record LabPlan(string InventoryPath, Inventory Inventory, int LabIndex, string? Password, bool SampleApp = false)
{
    /// <summary>Loads <paramref name="inventoryPath"/>, places it at <paramref name="labIndex"/> and picks its password.</summary>
    /// <exception cref="InventoryException">The inventory cannot be read, or the index places no lab.</exception>
    public static LabPlan For(string inventoryPath, int labIndex = 0)
    {
        var inventory = LabPlacement.Place(InventoryLoader.Load(inventoryPath), labIndex);
        return new LabPlan(inventoryPath, inventory, labIndex, NewPassword(inventory));
    }

    /// <summary>
    /// A new random password when <paramref name="inventory"/> turns authentication on (each start its own), null
    /// otherwise. Hex: letters and digits only, as a lab password must be (<see cref="LabPassword"/>).
    /// </summary>
    public static string? NewPassword(Inventory inventory) =>
        inventory.Authentication == LabAuthentication.Password ? Convert.ToHexString(RandomNumberGenerator.GetBytes(16)) : null;

    /// <summary>The AppHost's command line for this plan, in its own option names (<see cref="LabCommandLine.Own"/>).</summary>
    public IReadOnlyList<string> Arguments =>
    [
        LabCommandLine.InventoryOption, InventoryPath,
        LabCommandLine.SampleAppOption, SampleApp ? "true" : "false",
        LabCommandLine.LabIndexOption, LabIndex.ToString(CultureInfo.InvariantCulture),
        .. Password is null ? Array.Empty<string>() : [$"{LabCommandLine.ParameterPrefix}{LabPassword.ParameterName}={Password}"],
    ];
}
