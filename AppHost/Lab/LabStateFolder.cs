using RedisHaLab.Topology;
using RedisHaLab.Topology.Model;

namespace RedisHaLab.AppHost.Lab;

/// <summary>
/// The host folder holding every instance's config files (<c>.lab/&lt;inventory&gt;/&lt;instance&gt;/</c>), each mounted
/// into its container. Rendered fresh at every start, so a lab always begins as its inventory says.
/// </summary>
internal sealed class LabStateFolder(LabStateLayout layout, LabModel model)
{
    /// <summary>The folder itself.</summary>
    public string Root => layout.Root;

    /// <summary>Folder of one instance, by container name.</summary>
    public string InstanceFolder(string instanceName) => layout.InstanceFolder(instanceName);

    /// <summary>The first proxy's conf folder; mounted as a folder so a rename-into-place is seen by the container.</summary>
    public string ProxyConfigFolder => layout.ProxyConfigFolder;

    /// <summary>A proxy's conf folder, shared with its own reconfig service only.</summary>
    public string ProxyConfigFolderOf(ProxyInstance proxy) => layout.ProxyConfigFolderOf(proxy);

    /// <summary>The host folder a part's folder is mounted from.</summary>
    public string FolderOf(PartFolder folder) => layout.FolderOf(folder);

    /// <summary>The load balancer's folder, holding its <c>haproxy.cfg</c>.</summary>
    public string LoadBalancerFolder => layout.LoadBalancerFolder;

    /// <summary>The proxy's config file on the host, the one the reconfig service rewrites.</summary>
    public string ProxyConfigFile => layout.ProxyConfigFile;

    /// <summary>Container names of every instance of the inventory.</summary>
    public IReadOnlyList<string> ContainerNames => model.Inventory.ContainerNames;

    /// <summary>Deletes what an earlier run left (only a folder the lab marked as its own) and writes every instance's config.</summary>
    /// <param name="password">The lab's password when its inventory turns authentication on, else null.</param>
    /// <exception cref="LabNotStartedException">The folder is not the lab's to delete (checked at start already; here again, just before).</exception>
    public void Render(string? password)
    {
        try
        {
            layout.Clear();
        }
        catch (InvalidOperationException e)
        {
            throw new LabNotStartedException(e.Message, e);
        }
        // Every rendered file of every part, into the host folder mounted where the part reads it.
        foreach (var (folder, file) in Rendered())
        {
            Write(folder, file.FileName, file.Render!(password));
        }
        foreach (var proxy in model.Inventory.Proxies)
        {
            Directory.CreateDirectory(Path.Combine(InstanceFolder(proxy.Name), "logs"));
        }
    }

    /// <summary>Each rendered file of the lab's parts with the host folder it is written into.</summary>
    public IEnumerable<(string Folder, PartFile File)> Rendered() =>
        from part in model.Parts
        from file in part.Files
        where file.Render is not null
        select (layout.FolderOf(part.FolderOf(file) ?? throw new InvalidOperationException($"{part.Name}: {file.FileName} is in none of its folders")), file);

    private static void Write(string folder, string file, string text)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, file), text);
    }
}
