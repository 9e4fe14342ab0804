namespace RedisHaLab.Topology;

/// <summary>
/// Where a running lab keeps its files on the host: <c>.lab/&lt;inventory&gt;/&lt;container&gt;/</c> under the
/// repository root, each container's folder mounted into it. The AppHost writes there; tests and tools read there.
/// </summary>
public sealed class LabStateLayout(string repositoryRoot, Inventory inventory)
{
    /// <summary>The lab's folder: <c>.lab/post-2016/</c> for <c>inventories/post-2016.yml</c>.</summary>
    public string Root { get; } = Path.Combine(repositoryRoot, ".lab", Path.GetFileNameWithoutExtension(inventory.SourceFile));

    /// <summary>
    /// Where playbook runs leave their <c>report.md</c> and <c>result.json</c>: <c>.lab/playbooks/&lt;UTC time&gt;/</c>, beside
    /// the labs' folders rather than in one (a lab's folder is rendered anew at each start).
    /// </summary>
    public static string PlaybookRunFolder(string repositoryRoot, DateTime startedUtc) =>
        Path.Combine(repositoryRoot, ".lab", "playbooks", startedUtc.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Folder of one container, by its name.</summary>
    public string InstanceFolder(string containerName) => Path.Combine(Root, containerName);

    /// <summary>The first proxy's conf folder (the only proxy's, in the post's lab).</summary>
    public string ProxyConfigFolder => ProxyConfigFolderOf(inventory.Proxy);

    /// <summary>The first proxy's wanted config on the host, the one its reconfig service writes.</summary>
    public string ProxyConfigFile => Path.Combine(ProxyConfigFolder, inventory.Proxy.ConfigFileName);

    /// <summary>
    /// A proxy's conf folder (<c>.lab/&lt;inventory&gt;/node23-twemproxy/conf/</c>), shared with its own reconfig
    /// service only; mounted as a folder so a rename-into-place is seen by the container.
    /// </summary>
    public string ProxyConfigFolderOf(ProxyInstance proxy) => Path.Combine(InstanceFolder(proxy.Name), "conf");

    /// <summary>The load balancer's folder (<c>.lab/&lt;inventory&gt;/haproxy/</c>), holding its <c>haproxy.cfg</c>.</summary>
    public string LoadBalancerFolder => InstanceFolder(LoadBalancer.ResourceName);
}
