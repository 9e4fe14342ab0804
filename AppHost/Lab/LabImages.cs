namespace RedisHaLab.AppHost.Lab;

/// <summary>
/// The lab's images: each built locally from a folder under <c>containers/</c> (no registry is reachable), under a
/// pinned tag so that a restart reuses the image instead of tagging a new one.
/// </summary>
internal static class LabImages
{
    /// <summary>redis-server and redis-sentinel, from <c>containers/redis</c> (Debian's Redis 7.0).</summary>
    public static readonly LabImage Redis = new("redis-ha-lab/redis", "7.0", "redis");

    /// <summary>twemproxy built from source, with its supervisor, from <c>containers/twemproxy</c>.</summary>
    public static readonly LabImage Twemproxy = new("redis-ha-lab/twemproxy", "0.5.0", "twemproxy");

    /// <summary>HAProxy from Debian's package, from <c>containers/haproxy</c>: the front door in front of several proxies.</summary>
    public static readonly LabImage Haproxy = new("redis-ha-lab/haproxy", "2.6", "haproxy");

    /// <summary>The reconfig service, from <c>containers/reconfig</c> (the AppHost's build publishes the service into it).</summary>
    public static readonly LabImage Reconfig = new("redis-ha-lab/reconfig", "lab", "reconfig");
}

/// <summary>An image of the lab: its name, its pinned tag and its build folder under <c>containers/</c>.</summary>
internal sealed record LabImage(string Image, string Tag, string ContainersSubfolder)
{
    /// <summary>The build context on this machine.</summary>
    public string BuildContext(string repositoryRoot) => Path.Combine(repositoryRoot, "containers", ContainersSubfolder);
}
