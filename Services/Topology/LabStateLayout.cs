using System.Globalization;
using System.Text.RegularExpressions;
using RedisHaLab.Topology.Model;

namespace RedisHaLab.Topology;

/// <summary>
/// Where a running lab keeps its files on the host: <c>.lab/&lt;inventory&gt;/&lt;container&gt;/</c> under the
/// repository root, each container's folder mounted into it. The AppHost writes there; tests and tools read there.
/// </summary>
/// <remarks>
/// The lab's folder is emptied at every start, so its name is the inventory file's name only in a checked form
/// (<see cref="NameProblem"/>): a name like <c>...yml</c> would otherwise make it <c>.lab/..</c>, the repository.
/// </remarks>
public sealed partial class LabStateLayout
{
    /// <summary>The folder under the repository root that holds every lab's files and the lab's other outputs.</summary>
    public const string LabsFolder = ".lab";

    /// <summary>Under <see cref="LabsFolder"/>: playbook reports, one folder per run.</summary>
    public const string PlaybooksFolder = "playbooks";

    /// <summary>Under <see cref="LabsFolder"/>: published Swarm stacks, as docs/swarm.md publishes them.</summary>
    public const string SwarmFolder = "swarm";

    /// <summary>Under <see cref="LabsFolder"/>: what eng/test.sh and the integration tests keep.</summary>
    public const string TestResultsFolder = "test-results";

    /// <summary>Under <see cref="LabsFolder"/>: the failover benchmark's reports.</summary>
    public const string BenchmarkFolder = "benchmark";

    /// <summary>
    /// The longest lab name: long enough for any name a person gives (the integration tests' are 40), short enough
    /// that <c>.lab/&lt;lab&gt;/&lt;container&gt;/conf/&lt;pool&gt;.yml</c> stays far below the 255-byte file name limit.
    /// </summary>
    public const int MaxNameLength = 63;

    /// <summary>The file the AppHost writes into a lab's folder first, so that a later start deletes only a folder it made.</summary>
    public const string MarkerFile = ".redis-ha-lab-state";

    // Folders of .lab/ that are not a lab's, each with what it holds: a lab of that name would be emptied over them.
    private static readonly (string Folder, string Holds)[] Reserved =
    [
        (PlaybooksFolder, "the playbook reports"),
        (SwarmFolder, "the published Swarm stacks"),
        (TestResultsFolder, "the test results"),
        (BenchmarkFolder, "the benchmark reports"),
    ];

    private static readonly string[] Extensions = [".yml", ".yaml"];

    private readonly string _labs;
    private readonly Inventory _inventory;

    /// <param name="repositoryRoot">The repository root; the lab's folder is under its <c>.lab/</c>.</param>
    /// <param name="inventory">The lab.</param>
    /// <exception cref="ArgumentException">The inventory's file name is no lab name (<see cref="NameProblem"/>); the loader refuses those first.</exception>
    public LabStateLayout(string repositoryRoot, Inventory inventory)
    {
        if (NameProblem(inventory.SourceFile) is { } problem)
        {
            throw new ArgumentException(problem, nameof(inventory));
        }
        _labs = Path.Combine(Path.GetFullPath(repositoryRoot), LabsFolder);
        _inventory = inventory;
        Name = NameOf(inventory.SourceFile);
        // A lab placed beside others gets a folder of its own; '.' is no letter of a lab name, so no inventory's lab can take it.
        FolderName = inventory.LabIndex == 0 ? Name : $"{Name}.lab{inventory.LabIndex}";
        Root = Path.Combine(_labs, FolderName);
    }

    /// <summary>The lab's name, from its inventory's file name: <c>post-2016</c> for <c>inventories/post-2016.yml</c>.</summary>
    public string Name { get; }

    /// <summary>The name of the lab's folder under <c>.lab/</c>: <see cref="Name"/>, with <c>.labN</c> after it for lab N of several side by side.</summary>
    public string FolderName { get; }

    /// <summary>
    /// The lab's folder: <c>.lab/post-2016/</c> for <c>inventories/post-2016.yml</c>, <c>.lab/post-2016.lab1/</c> for the
    /// same inventory placed at <c>--lab-index 1</c>.
    /// </summary>
    public string Root { get; }

    /// <summary>
    /// Why the file name of <paramref name="inventoryFile"/> cannot name a lab, or null when it can: the name before
    /// <c>.yml</c> must be lower-case letters and digits with single '-' between them, starting with a letter, at most
    /// <see cref="MaxNameLength"/> characters, and not the name of a folder <c>.lab/</c> keeps for something else.
    /// </summary>
    public static string? NameProblem(string inventoryFile)
    {
        var fileName = Path.GetFileName(inventoryFile);
        var extension = Extensions.FirstOrDefault(e => fileName.EndsWith(e, StringComparison.Ordinal));
        const string Rename = "lower-case letters and digits with single '-' between them, starting with a letter";
        if (extension is null)
        {
            return $"the inventory's file name '{Printable(fileName)}' does not end in .yml; rename it to {Rename}, then .yml (e.g. my-lab.yml)";
        }
        var name = fileName[..^extension.Length];
        if (name.Length > MaxNameLength)
        {
            return $"the inventory's file name is {name.Length} characters before {extension}, and it names the lab's folder .lab/<name>/; " +
                   $"rename the file to at most {MaxNameLength} characters, {Rename}";
        }
        if (!NamePattern().IsMatch(name))
        {
            return $"the inventory's file name '{Printable(fileName)}' cannot name the lab's folder (.lab/<name>/, emptied at every start); " +
                   $"rename the file to {Rename} (e.g. my-lab{extension})";
        }
        if (Reserved.FirstOrDefault(r => r.Folder == name) is { Folder: not null } reserved)
        {
            return $"a lab named '{name}' would take .lab/{reserved.Folder}/, which holds {reserved.Holds}; rename the file (e.g. {name}-lab{extension})";
        }
        return null;
    }

    /// <summary>The lab's name of a checked file name (<see cref="NameProblem"/> is null): the name before <c>.yml</c>.</summary>
    private static string NameOf(string inventoryFile) => Path.GetFileNameWithoutExtension(inventoryFile);

    /// <summary>
    /// Where playbook runs leave their <c>report.md</c> and <c>result.json</c>: <c>.lab/playbooks/&lt;UTC time&gt;/</c>, beside
    /// the labs' folders rather than in one (a lab's folder is rendered anew at each start). Named by the time only,
    /// so no file or playbook name can point it elsewhere.
    /// </summary>
    public static string PlaybookRunFolder(string repositoryRoot, DateTime startedUtc) =>
        Path.Combine(repositoryRoot, LabsFolder, PlaybooksFolder, startedUtc.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));

    /// <summary>Folder of one container, by its name.</summary>
    public string InstanceFolder(string containerName) => Path.Combine(Root, containerName);

    /// <summary>The first proxy's conf folder (the only proxy's, in the post's lab).</summary>
    public string ProxyConfigFolder => ProxyConfigFolderOf(_inventory.Proxy);

    /// <summary>The first proxy's wanted config on the host, the one its reconfig service writes.</summary>
    public string ProxyConfigFile => Path.Combine(ProxyConfigFolder, _inventory.Proxy.ConfigFileName);

    /// <summary>
    /// A proxy's conf folder (<c>.lab/&lt;inventory&gt;/node23-twemproxy/conf/</c>), shared with its own reconfig
    /// service only; mounted as a folder so a rename-into-place is seen by the container.
    /// </summary>
    public string ProxyConfigFolderOf(ProxyInstance proxy) => Path.Combine(InstanceFolder(proxy.Name), "conf");

    /// <summary>The load balancer's folder (<c>.lab/&lt;inventory&gt;/haproxy/</c>), holding its <c>haproxy.cfg</c>.</summary>
    public string LoadBalancerFolder => InstanceFolder(_inventory.LoadBalancer?.Name ?? LoadBalancer.ResourceName);

    /// <summary>The host folder of a part's folder in the lab's model: its own folder, or its proxy's conf folder.</summary>
    public string FolderOf(PartFolder folder) => folder.Kind == FolderKind.ProxyConfig
        ? ProxyConfigFolderOf(_inventory.FindProxy(folder.Owner) ?? throw new ArgumentException($"{folder.Owner} is no proxy of the lab", nameof(folder)))
        : InstanceFolder(folder.Owner);

    /// <summary>
    /// Why the lab's folder may not be emptied for a new start, or null when it may (it is missing, or the lab made it):
    /// a file or link in its place, or a folder the lab did not mark as its own.
    /// </summary>
    public string? ClearProblem()
    {
        var fix = $"move it away (or delete it yourself if it is an old lab folder), then start again";
        if (Path.GetDirectoryName(Root) != _labs || Path.GetFileName(Root) != FolderName)
        {
            // Unreachable with a checked name; kept so that this stays the one place deciding what a start deletes.
            return $"{Root} is not a folder directly under {_labs}; the lab deletes nothing else";
        }
        if (File.Exists(Root))
        {
            return $"{Root} is a file, where the lab of {Path.GetFileName(_inventory.SourceFile)} keeps its folder; {fix}";
        }
        if (!Directory.Exists(Root))
        {
            return null;
        }
        if (new DirectoryInfo(Root).LinkTarget is { } target)
        {
            return $"{Root} is a link to {target}; the lab empties its folder at every start and follows no link to do so; {fix}";
        }
        return IsOwn() ? null : $"{Root} holds files the lab did not write (no {MarkerFile} in it), and the lab empties its folder at every start; {fix}";
    }

    /// <summary>
    /// Deletes the lab's folder for a new start, only when <see cref="ClearProblem"/> finds nothing against it, then
    /// creates it again with its marker.
    /// </summary>
    /// <exception cref="InvalidOperationException">The folder is not the lab's to delete (the message says why and what to do).</exception>
    public void Clear()
    {
        if (ClearProblem() is { } problem)
        {
            throw new InvalidOperationException(problem);
        }
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
        Directory.CreateDirectory(Root);
        File.WriteAllText(Path.Combine(Root, MarkerFile),
            $"The Redis HA Lab's state folder of {Path.GetFileName(_inventory.SourceFile)}: rendered at every start, its files deleted then.\n");
    }

    // The marker, or (a folder written before there was one) nothing but folders of this lab's containers.
    private bool IsOwn()
    {
        var marker = new FileInfo(Path.Combine(Root, MarkerFile));
        if (marker.Exists && marker.LinkTarget is null)
        {
            return true;
        }
        var known = _inventory.ContainerNames.Append(LoadBalancer.ResourceName).ToHashSet(StringComparer.Ordinal);
        return new DirectoryInfo(Root).EnumerateFileSystemInfos().All(e =>
            e is DirectoryInfo && e.LinkTarget is null && known.Contains(e.Name));
    }

    // Bidirectional and other control characters shown as code points: a refusal must not itself mislead.
    private static string Printable(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format
            ? $"\\u{(int)c:x4}" : c.ToString()));

    [GeneratedRegex(@"^[a-z][a-z0-9]*(-[a-z0-9]+)*\z")]
    private static partial Regex NamePattern();
}
