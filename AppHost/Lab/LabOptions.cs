using RedisHaLab.Topology;

namespace RedisHaLab.AppHost.Lab;

/// <summary>The AppHost's own settings, read from the command line (<c>--inventory FILE</c>) or configuration.</summary>
internal static class LabOptions
{
    /// <summary>The inventory used when none is given: the 2016 post's three hosts.</summary>
    public const string DefaultInventory = "inventories/post-2016.yml";

    /// <summary>
    /// The inventory file to load: <c>--inventory</c> (or configuration key <c>Inventory</c>), relative to the
    /// current folder when it exists there, else to the repository root; <see cref="DefaultInventory"/> otherwise.
    /// </summary>
    public static string InventoryPath(IDistributedApplicationBuilder builder)
    {
        var requested = builder.Configuration["Inventory"] ?? DefaultInventory;
        if (Path.IsPathRooted(requested) || File.Exists(requested))
        {
            return Path.GetFullPath(requested);
        }
        return Path.GetFullPath(Path.Combine(RepositoryRoot(builder), requested));
    }

    /// <summary>The repository root: the AppHost's parent folder.</summary>
    public static string RepositoryRoot(IDistributedApplicationBuilder builder) =>
        Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));

    /// <summary>
    /// Where an inventory's rendered config files live on the host (<c>.lab/&lt;inventory&gt;/</c>), mounted into
    /// the containers. Sentinel rewrites its file there and the reconfig service rewrites the proxy's.
    /// </summary>
    public static LabStateLayout StateFolder(IDistributedApplicationBuilder builder, Inventory inventory) =>
        new(RepositoryRoot(builder), inventory);

    /// <summary>
    /// Which lab of several side by side this is (<c>--lab-index N</c>, configuration key <c>lab-index</c>; 0 by
    /// default, the inventory as written): <see cref="LabPlacement"/> gives lab N its own loopback range and names. Null
    /// with <paramref name="problem"/> set when the value is no index.
    /// </summary>
    public static int? LabIndex(IDistributedApplicationBuilder builder, out string? problem)
    {
        var given = builder.Configuration["lab-index"];
        problem = null;
        if (given is null)
        {
            return 0;
        }
        if (!int.TryParse(given, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
        {
            problem = $"--lab-index '{given}' is not a number; pass --lab-index 1 (up to {LabPlacement.MaxIndex}) to run a lab beside the one at index 0";
            return null;
        }
        problem = LabPlacement.IndexProblem(index);
        return problem is null ? index : null;
    }

    /// <summary>
    /// Whether the sample client app runs with the lab (<c>--sample-app true|false</c>, configuration key
    /// <c>sample-app</c>; on by default). Null with <paramref name="problem"/> set when the value is neither.
    /// </summary>
    public static bool? SampleApp(IDistributedApplicationBuilder builder, out string? problem)
    {
        var given = builder.Configuration["sample-app"];
        problem = null;
        if (given is null || bool.TryParse(given, out var on) && on)
        {
            return true;
        }
        if (bool.TryParse(given, out _))
        {
            return false;
        }
        problem = $"--sample-app '{given}' is neither true nor false; pass --sample-app false to run the lab without its sample client app";
        return null;
    }
}
