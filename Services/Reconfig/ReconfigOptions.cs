namespace RedisHaLab.Reconfig;

/// <summary>The service's settings, from the configuration section <c>Lab</c> (environment variables <c>Lab__*</c>).</summary>
internal sealed class ReconfigOptions
{
    /// <summary>The configuration section the settings live in.</summary>
    public const string Section = "Lab";

    /// <summary>Absolute path of the inventory YAML (<c>Lab__Inventory</c>).</summary>
    public string? Inventory { get; set; }

    /// <summary>
    /// Absolute path of the proxy's wanted config (<c>Lab__ProxyConfigFile</c>), in the folder this service shares with
    /// the proxy; the proxy's reports (<c>.running.json</c>, <c>.running.yml</c>, <c>.rejected.yml</c>) are read beside it.
    /// </summary>
    public string? ProxyConfigFile { get; set; }

    /// <summary>
    /// Container name of the proxy this service keeps in step (<c>Lab__Proxy</c>, e.g. <c>node24-twemproxy</c>); may be
    /// left out when the inventory runs a single proxy.
    /// </summary>
    public string? Proxy { get; set; }

    /// <summary>
    /// The lab's password (<c>Lab__RedisPassword</c>, from the AppHost's secret parameter), required when the inventory
    /// turns authentication on: Sentinels and Redis instances refuse this service without it.
    /// </summary>
    public string? RedisPassword { get; set; }

    /// <summary>
    /// Which lab of several side by side this service's lab is (<c>Lab__LabIndex</c>, 0 by default): the inventory is
    /// placed as the AppHost placed it (<see cref="RedisHaLab.Topology.LabPlacement"/>), so the names Sentinels give are its own.
    /// </summary>
    public int LabIndex { get; set; }

    /// <summary>Seconds between two comparisons of what the proxy runs with the Sentinels' view (<c>Lab__ReconcileIntervalSeconds</c>).</summary>
    public double ReconcileIntervalSeconds { get; set; } = 5;

    /// <summary>How long to wait for the proxy to report running a new config (<c>Lab__ProxyConfirmTimeoutMilliseconds</c>).</summary>
    public int ProxyConfirmTimeoutMilliseconds { get; set; } = RedisHaLab.Topology.Model.ApplyTimeouts.ServiceConfirmMilliseconds;

    /// <summary>Every setting that is missing or unusable, each naming its environment variable; empty when all is well.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        AbsolutePath(problems, Inventory, nameof(Inventory), "absolute path of the inventory YAML, e.g. /etc/redis-ha-lab/post-2016.yml");
        AbsolutePath(problems, ProxyConfigFile, nameof(ProxyConfigFile), "absolute path of the proxy's wanted config, e.g. /usr/local/twemproxy/conf/redis_14555.yml");
        if (RedisHaLab.Topology.LabPlacement.IndexProblem(LabIndex) is { } indexProblem)
        {
            problems.Add($"{Variable(nameof(LabIndex))}: {indexProblem}");
        }
        if (!(ReconcileIntervalSeconds > 0))
        {
            problems.Add($"{Variable(nameof(ReconcileIntervalSeconds))} must be a positive number of seconds, not {ReconcileIntervalSeconds}");
        }
        if (ProxyConfirmTimeoutMilliseconds <= 0)
        {
            problems.Add($"{Variable(nameof(ProxyConfirmTimeoutMilliseconds))} must be a positive number of milliseconds, not {ProxyConfirmTimeoutMilliseconds}");
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
