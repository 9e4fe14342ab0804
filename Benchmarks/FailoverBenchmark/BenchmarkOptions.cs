using System.Globalization;

namespace RedisHaLab.FailoverBenchmark;

/// <summary>A lab profile to measure: a name for the table and the inventory that starts it.</summary>
/// <param name="Name">Short name used in the table, the JSON and the plot (<c>lab</c>, <c>post</c>).</param>
/// <param name="Inventory">Absolute path of the inventory file.</param>
public sealed record BenchmarkProfile(string Name, string Inventory);

/// <summary>Everything a run needs; <see cref="Parse"/> reads it from the command line.</summary>
public sealed record BenchmarkOptions
{
    /// <summary>
    /// What a round kills: <c>failover</c> (a shard's master, the default) or <c>proxy-loss</c> (one proxy behind the
    /// load balancer, in turn; see <see cref="ProxyLossRun"/>).
    /// </summary>
    public string RoundType { get; init; } = "failover";

    /// <summary>Failovers per profile.</summary>
    public int Rounds { get; init; } = 10;

    /// <summary>The profiles, run one after the other (one lab at a time: they share container names and ports).</summary>
    public IReadOnlyList<BenchmarkProfile> Profiles { get; init; } = [];

    /// <summary>Folder for report.md, results.json and timeline.png.</summary>
    public string OutputFolder { get; init; } = "";

    /// <summary>Keys written before each round and read back after it.</summary>
    public int Keys { get; init; } = 10_000;

    /// <summary>Client connections per shard, each owning a disjoint part of that shard's keys.</summary>
    public int ConnectionsPerShard { get; init; } = 2;

    /// <summary>Operations per second per connection, half writes and half reads.</summary>
    public int RatePerConnection { get; init; } = 100;

    /// <summary>How long one operation may take before it is given up (and its connection closed).</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>Load before the kill, to see the shards serving.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Load kept after the killed shard serves again, to see that it stays so.</summary>
    public TimeSpan Tail { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Longest a round's load may run after the kill, served again or not.</summary>
    public TimeSpan MaxRecovery { get; init; } = TimeSpan.FromSeconds(40);

    /// <summary>Seed of the key names and the load's choices.</summary>
    public int Seed { get; init; } = Environment.TickCount;

    /// <summary>
    /// Which lab of several side by side the benchmark starts (<c>--lab-index N</c>, as the AppHost takes it): 0, the
    /// inventory's own addresses, by default; the test suite runs its one round beside another lab.
    /// </summary>
    public int LabIndex { get; init; }

    /// <summary>The command line that asked for this run, for the report.</summary>
    public string CommandLine { get; init; } = "";

    /// <summary>The known profile names and the inventories they start.</summary>
    public static readonly IReadOnlyDictionary<string, string> KnownProfiles = new Dictionary<string, string>
    {
        ["lab"] = "inventories/post-2016.yml",
        ["post"] = "inventories/post-fidelity.yml",
        // The lab with authentication on: every connection, the load's included, logs in first.
        ["lab-auth"] = "inventories/post-2016-auth.yml",
        // Two proxies behind HAProxy: what --round-type proxy-loss runs on.
        ["proxy-ha"] = "inventories/post-2016-proxy-ha.yml",
    };

    /// <summary>What <c>--help</c> prints.</summary>
    public const string Usage = """
        Usage: dotnet run --project Benchmarks/FailoverBenchmark -- [options]

          --rounds N                 failovers per profile (default 10); shards are killed in turn
          --round-type TYPE          failover (kill a shard's master, default) or proxy-loss (kill one proxy behind the
                                     load balancer, in turn; default profile proxy-ha; writes proxy-loss.md and .json)
          --profiles LIST            comma-separated: lab (inventories/post-2016.yml), post (inventories/post-fidelity.yml),
                                     lab-auth (inventories/post-2016-auth.yml), proxy-ha (inventories/post-2016-proxy-ha.yml),
                                     or any inventory file (default lab,post)
          --output DIR               where report.md, results.json and timeline.png go (default .lab/benchmark/<timestamp>/)
          --keys N                   keys written before each round and read back after it (default 10000)
          --connections-per-shard N  client connections per shard (default 2)
          --rate N                   operations per second per connection, half writes (default 100)
          --op-timeout-ms N          give an operation up after this long (default 1000)
          --seed N                   seed of key names and load choices (default: random)
          --lab-index N              run the lab at index N (1-9) beside the one at 0, as the AppHost's --lab-index does

        Only one lab can run at a time per lab index: nothing else may hold that lab's container names and ports.
        """;

    /// <summary>Reads the command line; relative paths are taken from <paramref name="repositoryRoot"/> when not found here.</summary>
    /// <exception cref="ArgumentException">An unknown option or a bad value; the message says which.</exception>
    public static BenchmarkOptions Parse(IReadOnlyList<string> args, string repositoryRoot, DateTime now)
    {
        var options = new BenchmarkOptions();
        string? profiles = null;
        string? output = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            int Number(int min, int max)
            {
                var text = Value();
                return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                    ? n
                    : throw new ArgumentException($"{name} '{text}' is not a whole number between {min} and {max}");
            }
            options = name switch
            {
                "--rounds" => options with { Rounds = Number(1, 100) },
                "--profiles" => options,
                "--round-type" => options with { RoundType = RoundTypeOf(Value()) },
                "--output" => options,
                "--keys" => options with { Keys = Number(100, 1_000_000) },
                "--connections-per-shard" => options with { ConnectionsPerShard = Number(1, 16) },
                "--rate" => options with { RatePerConnection = Number(1, 1000) },
                "--op-timeout-ms" => options with { OperationTimeout = TimeSpan.FromMilliseconds(Number(50, 60_000)) },
                "--seed" => options with { Seed = Number(int.MinValue, int.MaxValue) },
                "--lab-index" => options with { LabIndex = Number(0, Topology.LabPlacement.MaxIndex) },
                _ => throw new ArgumentException($"unknown option '{name}'"),
            };
            if (name == "--profiles")
            {
                profiles = Value();
            }
            else if (name == "--output")
            {
                output = Value();
            }
        }
        return options with
        {
            Profiles = ParseProfiles(profiles ?? (options.RoundType == "proxy-loss" ? "proxy-ha" : "lab,post"), repositoryRoot),
            OutputFolder = Path.GetFullPath(output ?? Path.Combine(repositoryRoot, Topology.LabStateLayout.LabsFolder, Topology.LabStateLayout.BenchmarkFolder, now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture))),
            CommandLine = "dotnet run --project Benchmarks/FailoverBenchmark --" + string.Concat(args.Select(a => " " + a)),
        };
    }

    private static string RoundTypeOf(string text) => text is "failover" or "proxy-loss"
        ? text
        : throw new ArgumentException($"--round-type '{text}' is unknown; use failover or proxy-loss");

    private static List<BenchmarkProfile> ParseProfiles(string list, string repositoryRoot)
    {
        var result = new List<BenchmarkProfile>();
        foreach (var item in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (name, file) = KnownProfiles.TryGetValue(item, out var known)
                ? (item, known)
                : (Path.GetFileNameWithoutExtension(item), item);
            var path = Path.IsPathRooted(file) || File.Exists(file) ? Path.GetFullPath(file) : Path.GetFullPath(Path.Combine(repositoryRoot, file));
            if (!File.Exists(path))
            {
                throw new ArgumentException($"profile '{item}': no inventory at {path}; use {string.Join(", ", KnownProfiles.Keys)} or an inventory file");
            }
            if (result.Any(p => p.Name == name))
            {
                throw new ArgumentException($"profile '{name}' is listed twice");
            }
            result.Add(new BenchmarkProfile(name, path));
        }
        return result.Count > 0 ? result : throw new ArgumentException("--profiles lists no profile");
    }
}
