namespace RedisHaLab.Reconfig;

/// <summary>The service's settings, from the configuration section <c>Lab</c> (environment variables <c>Lab__*</c>).</summary>
internal sealed class ReconfigOptions
{
    /// <summary>The configuration section the settings live in.</summary>
    public const string Section = "Lab";

    /// <summary>Absolute path of the inventory YAML (<c>Lab__Inventory</c>).</summary>
    public string? Inventory { get; set; }

    /// <summary>Absolute host path of the proxy's config file (<c>Lab__ProxyConfigFile</c>).</summary>
    public string? ProxyConfigFile { get; set; }

    /// <summary>Name of the proxy's container (<c>Lab__ProxyContainer</c>), e.g. <c>node23-twemproxy</c>.</summary>
    public string? ProxyContainer { get; set; }

    /// <summary>Where the proxy's config folder is mounted inside its container (<c>Lab__ProxyContainerConfigFolder</c>).</summary>
    public string ProxyContainerConfigFolder { get; set; } = "/usr/local/twemproxy/conf";

    /// <summary>Seconds between two comparisons of the proxy's config with the Sentinels' view (<c>Lab__ReconcileIntervalSeconds</c>).</summary>
    public double ReconcileIntervalSeconds { get; set; } = 5;

    /// <summary>Whether a new config must pass <c>nutcracker -t</c> in the container before it replaces the old (<c>Lab__CheckConfigWithNutcracker</c>).</summary>
    public bool CheckConfigWithNutcracker { get; set; } = true;

    /// <summary>Every setting that is missing or unusable, each naming its environment variable; empty when all is well.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        AbsolutePath(problems, Inventory, nameof(Inventory), "absolute path of the inventory YAML, e.g. /repo/inventories/post-2016.yml");
        AbsolutePath(problems, ProxyConfigFile, nameof(ProxyConfigFile), "absolute host path of the proxy's config, e.g. /repo/.lab/post-2016/node23-twemproxy/conf/redis_14555.yml");
        if (string.IsNullOrWhiteSpace(ProxyContainer))
        {
            problems.Add($"{Variable(nameof(ProxyContainer))} is missing; set it to the proxy's container name, e.g. node23-twemproxy");
        }
        if (!ProxyContainerConfigFolder.StartsWith('/'))
        {
            problems.Add($"{Variable(nameof(ProxyContainerConfigFolder))} '{ProxyContainerConfigFolder}' must be an absolute path inside the container");
        }
        if (!(ReconcileIntervalSeconds > 0))
        {
            problems.Add($"{Variable(nameof(ReconcileIntervalSeconds))} must be a positive number of seconds, not {ReconcileIntervalSeconds}");
        }
        return problems;
    }

    /// <summary>The environment variable that sets <paramref name="property"/>.</summary>
    public static string Variable(string property) => $"{Section}__{property}";

    private static void AbsolutePath(List<string> problems, string? value, string property, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{Variable(property)} is missing; set it to the {what}");
        }
        else if (!Path.IsPathFullyQualified(value))
        {
            problems.Add($"{Variable(property)} '{value}' is not absolute; set it to the {what}");
        }
    }
}
