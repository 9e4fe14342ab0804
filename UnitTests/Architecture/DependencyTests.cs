using System.Text.RegularExpressions;
using System.Xml.Linq;
using RedisHaLab.UnitTests.Docs;

namespace RedisHaLab.UnitTests.Architecture;

/// <summary>
/// Issue 22: chaos is split by what changes together, and the split holds only while the references point one way:
/// Playbooks -> Faults and Load -> Probes -> Clients and Topology. The AppHost's health checks, its role board and the
/// Swarm publisher must keep working without the playbook code. Read from the <c>.csproj</c> files (and, inside the
/// AppHost, which is one project, from its sources), so a new reference fails here before anyone builds on it.
/// </summary>
public class DependencyTests
{
    private const string Playbooks = "Services/Playbooks";
    private const string Harness = "Services/Harness";

    /// <summary>Each chaos project's layer: a project may reference only projects of a lower one.</summary>
    private static readonly Dictionary<string, int> Layers = new()
    {
        ["Services/Topology"] = 0,
        ["Services/Clients"] = 0,
        ["Services/Probes"] = 1,
        ["Services/Faults"] = 2,
        ["Services/Load"] = 2,
        [Playbooks] = 3,
        // The harness starts a lab and resets it through the faults; it reads the AppHost's option names from the playbooks' command line.
        [Harness] = 4,
    };

    /// <summary>The projects that must work without the playbooks: the client side, the faults, the load, the publisher, the service.</summary>
    private static readonly string[] WithoutPlaybooks =
        ["Services/Topology", "Services/Clients", "Services/Probes", "Services/Faults", "Services/Load", "Services/Swarm", "Services/Reconfig"];

    /// <summary>The AppHost's folders that hold its health checks, role board, chaos commands and publisher.</summary>
    private static readonly string[] AppHostWithoutPlaybooks = ["AppHost/Lab", "AppHost/Publishing"];

    // Catches: a parser that finds no reference (a renamed element, a path read the wrong way), so that every rule below passes.
    [Test]
    public void The_references_are_read()
    {
        var graph = References();
        Assert.That(graph[Playbooks], Is.EquivalentTo(new[] { "Services/Faults", "Services/Load" }));
        Assert.That(graph["Services/Probes"], Is.EquivalentTo(new[] { "Services/Topology", "Services/Clients" }));
    }

    // Catches: <ProjectReference Include="..\Playbooks\Playbooks.csproj" /> added to Probes, Faults, Load, the Swarm
    // publisher or the reconfig service, directly or through another project.
    [TestCaseSource(nameof(WithoutPlaybooks))]
    public void Does_not_reach_the_playbooks(string project)
    {
        Assert.That(Reachable(References(), project), Does.Not.Contain(Playbooks),
            $"{project} reaches {Playbooks}: what it needs belongs in Probes, Faults or Load");
    }

    // Catches: Probes referencing Faults (the client side made to need Docker), Load referencing Faults, Faults
    // referencing Load: each way up or sideways the split would start to grow back into one library.
    [TestCaseSource(nameof(ChaosProjects))]
    public void References_only_lower_layers(string project)
    {
        var upward = References()[project].Where(r => !Layers.TryGetValue(r, out var layer) || layer >= Layers[project]).ToList();
        Assert.That(upward, Is.Empty, $"{project} (layer {Layers[project]}) may reference only lower layers: " +
                                      string.Join(", ", Layers.Where(l => l.Value < Layers[project]).Select(l => l.Key)));
    }

    // Catches: the AppHost made to reference Harness.Testing (directly or through the harness): Aspire.Hosting.Testing,
    // the in-process launcher of tests and benchmarks, would ship inside the app it launches.
    [Test]
    public void The_AppHost_reaches_the_harness_but_not_its_testing_launcher()
    {
        var reached = Reachable(References(), "AppHost");
        Assert.That(reached, Does.Contain(Harness));
        Assert.That(reached, Does.Not.Contain("Services/Harness.Testing"));
    }

    // Catches: `using RedisHaLab.Playbooks;` in a health check, the role board, the chaos commands or the publishing
    // code: the AppHost references the playbooks for --play only, so the project graph cannot see this one.
    [TestCaseSource(nameof(AppHostWithoutPlaybooks))]
    public void The_AppHost_folder_does_not_use_the_playbooks(string folder)
    {
        var users = Directory.EnumerateFiles(Path.Combine(DocLinkTests.Root, folder), "*.cs", SearchOption.AllDirectories)
            .Where(file => Regex.IsMatch(File.ReadAllText(file), @"\bRedisHaLab\.Playbooks\b"))
            .Select(file => Path.GetRelativePath(DocLinkTests.Root, file).Replace('\\', '/'))
            .ToList();
        Assert.That(users, Is.Empty, $"{folder} uses the playbook code; only AppHost/Playbooks and Program.cs may");
    }

    private static IEnumerable<string> ChaosProjects() => Layers.Keys.Where(p => Layers[p] > 0);

    /// <summary>Every project folder of the repository (relative, with '/') with the folders of the projects it references.</summary>
    private static Dictionary<string, List<string>> References()
    {
        var root = DocLinkTests.Root;
        var graph = new Dictionary<string, List<string>>();
        foreach (var file in Directory.EnumerateFiles(root, "*.csproj", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")))
        {
            var folder = Path.GetDirectoryName(file)!;
            graph[Relative(root, folder)] = XDocument.Load(file).Descendants("ProjectReference")
                .Select(r => Relative(root, Path.GetDirectoryName(Path.GetFullPath(Path.Combine(folder, r.Attribute("Include")!.Value.Replace('\\', '/'))))!))
                .ToList();
        }
        return graph;
    }

    private static HashSet<string> Reachable(Dictionary<string, List<string>> graph, string from)
    {
        var seen = new HashSet<string>();
        var next = new Stack<string>(graph[from]);
        while (next.TryPop(out var project))
        {
            if (seen.Add(project) && graph.TryGetValue(project, out var references))
            {
                references.ForEach(next.Push);
            }
        }
        return seen;
    }

    private static string Relative(string root, string folder) => Path.GetRelativePath(root, folder).Replace('\\', '/');
}
