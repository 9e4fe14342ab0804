using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace RedisHaLab.Topology;

/// <summary>
/// How big an inventory may be, and which names and ports it may use: each limit from what bounds it for real (this
/// machine, Aspire, Sentinel's hello, a file name), so that an inventory past one is refused before anything starts
/// instead of failing later, slowly or with a stack trace.
/// </summary>
public static partial class InventoryLimits
{
    // The machine the lab runs on: 2 cores and 24 GiB. Every container is a process the 2 cores share, and the lab
    // measures in seconds (down-after 2.5 s, recovery times); past a few dozen busy processes the measurements are
    // the machine's, not Redis's. Memory: the post's maxmemory is 256 MB per Redis, so 64 Redis instances at full is
    // 16 GiB, which leaves the Sentinels, proxies, Docker and the dashboard room in 24 GiB.

    /// <summary>The most nodes: a node is a dashboard resource and a loopback address, and 16 is four times the post's lab.</summary>
    public const int MaxNodes = 16;

    /// <summary>The most shards: every Sentinel watches every shard (a PING a second and a hello every 2 s per instance).</summary>
    public const int MaxShards = 16;

    /// <summary>The most replicas of one shard: each copies the master's whole data set on a full sync.</summary>
    public const int MaxReplicasPerShard = 4;

    /// <summary>
    /// The most Sentinels: each one talks to every other one and to every instance, so their traffic grows with the
    /// square of their number; 9 outvotes 4 lost at once, more than a lab of 16 nodes needs. Even numbers are allowed:
    /// what a majority of 4 means is one of the lessons.
    /// </summary>
    public const int MaxSentinels = 9;

    /// <summary>The most containers of all kinds (Redis, Sentinels, proxies and their reconfig services, the load balancer).</summary>
    public const int MaxContainers = 64;

    /// <summary>The longest time setting in milliseconds: a playbook runs at most 10 minutes, so a Sentinel or proxy timeout past that is never seen to act.</summary>
    public const int MaxMilliseconds = 600_000;

    /// <summary>The lowest port an inventory may use: below 1024 a port is privileged, and belongs to a system service.</summary>
    public const int LowestPort = 1024;

    /// <summary>The highest port.</summary>
    public const int HighestPort = 65535;

    /// <summary>
    /// nutcracker's stats port: the lab starts nutcracker without <c>-s</c>, so every proxy also listens on its built-in
    /// default, 22222 (twemproxy's <c>NC_STATS_PORT</c>); a Redis or Sentinel there would clash with it.
    /// </summary>
    public const int NutcrackerStatsPort = 22222;

    /// <summary>
    /// The longest Aspire resource name: Aspire 13's <c>ModelName</c> refuses a name longer than 64 characters (and one
    /// not made of ASCII letters, digits and single hyphens, starting with a letter, not ending with a hyphen), by an
    /// exception the AppHost would end with. Every shard is a resource of that name.
    /// </summary>
    public const int MaxResourceName = 64;

    /// <summary>
    /// The longest <c>sentinel_name</c>. Each Sentinel announces itself and every master to the others in a hello,
    /// written with <c>snprintf</c> into a buffer of NET_IP_STR_LEN + 1024 = 1070 bytes (<c>sentinelSendHello</c>),
    /// which keeps 1069 characters and silently cuts the rest: a cut hello is not read as one, the Sentinels never find
    /// each other, and nothing looks wrong. The hello is 8 fields and 7 commas: the Sentinel's address (its container
    /// name here, announce-hostnames), port, 40-character id and current epoch, then the master's name, address
    /// (a container name), port and config epoch. With names at most <see cref="InventoryLoader.MaxContainerName"/>,
    /// ports at most 5 digits and epochs at most 20 (an unsigned 64-bit number), what is left for the name is this.
    /// </summary>
    public const int MaxSentinelName = 1069 - (7 + (2 * InventoryLoader.MaxContainerName) + (2 * 5) + 40 + (2 * 20));

    /// <summary>
    /// The longest pool name. The pool names files in the proxy's folder, and the longest of them is the reconfig
    /// service's temporary file <c>.&lt;pool&gt;.yml.reconfig.tmp</c> (18 characters around the pool; the others:
    /// <c>&lt;pool&gt;.yml</c>, <c>.running.yml</c>, <c>.running.json</c>, <c>.rejected.yml</c>, the supervisor's temp files
    /// <c>.&lt;report&gt;.tmp</c> (as long), its <c>.&lt;pool&gt;.candidate.yml</c>
    /// and <c>.resolved.yml</c>), which must fit the 255 bytes a file name may have on Linux.
    /// </summary>
    public const int MaxPoolName = 255 - 18;

    /// <summary>
    /// The ports the AppHost itself listens on (its dashboard, the dashboard's telemetry and resource service), read
    /// from its launch settings, the one place that sets them: a lab port among them would fail to bind, or worse,
    /// take the port the dashboard then cannot.
    /// </summary>
    public static IReadOnlySet<int> AppHostPorts { get; } = ReadAppHostPorts();

    /// <summary>Why <paramref name="port"/> may not be used, or null when it may.</summary>
    public static string? WhyPortRefused(int port) => port switch
    {
        < LowestPort or > HighestPort => $"is out of range; use {LowestPort}-{HighestPort} (below {LowestPort} a port is privileged)",
        NutcrackerStatsPort => $"is nutcracker's built-in stats port, on which every proxy listens; use another, e.g. {NutcrackerStatsPort + 1}",
        _ when AppHostPorts.Contains(port) => $"is one of the AppHost's own ports ({string.Join(", ", AppHostPorts.Order())}, set in AppHost/Properties/launchSettings.json); use another",
        _ => null,
    };

    /// <summary>
    /// Why <paramref name="name"/> cannot be an Aspire resource name (see <see cref="MaxResourceName"/>), or null when
    /// it can; lower case only, since Docker's DNS, which containers find each other by, ignores case.
    /// </summary>
    public static string? WhyNotAResourceName(string name)
    {
        if (name.Length > MaxResourceName)
        {
            return $"is {name.Length} characters long; Aspire allows at most {MaxResourceName}";
        }
        if (name.Length == 0 || !char.IsAsciiLetterLower(name[0]))
        {
            return "must start with a lower-case letter a-z (Aspire's rule for a resource name)";
        }
        if (name.Any(c => !char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '-'))
        {
            return "may only hold lower-case letters a-z, digits and '-' (Aspire's rule for a resource name; '_' and '.' are not allowed)";
        }
        if (name.Contains("--", StringComparison.Ordinal) || name.EndsWith('-'))
        {
            return "may not have two '-' in a row or end with '-' (Aspire's rule for a resource name)";
        }
        return null;
    }

    /// <summary>At most the first 100 characters of <paramref name="text"/>, for a message about a name far too long to print.</summary>
    public static string Clipped(string text) => text.Length <= 100 ? text : $"{text[..100]}...";

    /// <summary>
    /// The counts of <paramref name="document"/> past their limits, each at its line; checked before anything else
    /// reads the inventory, so that no check slower than a count runs on 200,000 nodes.
    /// </summary>
    internal static List<InventoryProblem> CountProblems(InventoryDocument document, YamlOutline outline)
    {
        var problems = new List<InventoryProblem>();
        void Over(int count, int most, string[] at, string what, string why)
        {
            if (count > most)
            {
                problems.Add(new(outline.LineOf(at), $"{count} {what} is more than this lab runs: at most {most}, {why}; remove some"));
            }
        }
        const string Machine = "since the lab's machine has 2 cores and 24 GiB, and its measurements need the cores to spare";
        Over(document.Nodes?.Count ?? 0, MaxNodes, ["nodes"], "nodes", Machine);
        Over(document.Shards?.Count ?? 0, MaxShards, ["shards"], "shards", $"each watched by every Sentinel, {Machine}");
        foreach (var (name, shard) in document.Shards ?? [])
        {
            Over(shard?.Replicas?.Count ?? 0, MaxReplicasPerShard, ["shards", name, "replicas"], $"replicas in shard {YamlOutline.Shown(Clipped(name))}",
                "each copying the master's whole data set on a full sync");
        }
        Over(document.Sentinels?.Nodes?.Count ?? 0, MaxSentinels, ["sentinels", "nodes"], "Sentinels",
            "each talking to every other and to every Redis instance (traffic grows with the square of their number)");
        Over(document.Twemproxy?.Nodes?.Count ?? 0, MaxNodes, ["twemproxy", "nodes"], "proxies", "one per node at most");
        if (problems.Count == 0)
        {
            var containers = (document.Shards ?? []).Values.Sum(s => 1 + (s?.Replicas?.Count ?? 0))
                             + (document.Sentinels?.Nodes?.Count ?? 0)
                             + (2 * (document.Twemproxy?.Nodes?.Count ?? 1))
                             + (document.LoadBalancer is null ? 0 : 1);
            Over(containers, MaxContainers, [], "containers (Redis, Sentinels, proxies and their reconfig services, the load balancer)",
                $"64 Redis at the post's maxmemory of 256 MB being 16 GiB, {Machine}");
        }
        return problems;
    }

    private static HashSet<int> ReadAppHostPorts()
    {
        using var stream = typeof(InventoryLimits).Assembly.GetManifestResourceStream("AppHost.launchSettings.json")
                           ?? throw new InvalidOperationException("the AppHost's launchSettings.json is not embedded in the Topology assembly");
        using var document = JsonDocument.Parse(stream);
        var ports = new HashSet<int>();
        var open = new Stack<JsonElement>([document.RootElement]);
        while (open.TryPop(out var element))
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        open.Push(property.Value);
                    }
                    break;
                case JsonValueKind.String:
                    // applicationUrl may list several URLs, separated by ';'.
                    foreach (Match url in UrlPort().Matches(element.GetString()!))
                    {
                        ports.Add(int.Parse(url.Groups["port"].Value, CultureInfo.InvariantCulture));
                    }
                    break;
            }
        }
        return ports;
    }

    [GeneratedRegex(@"https?://[^/:;\s]+:(?<port>[0-9]{1,5})")]
    private static partial Regex UrlPort();
}
