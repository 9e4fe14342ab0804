using RedisHaLab.Topology.Model;

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

    /// <summary>Every image of the lab.</summary>
    public static IReadOnlyList<LabImage> All { get; } = [Redis, Twemproxy, Haproxy, Reconfig];

    /// <summary>The image of a part of the lab's model.</summary>
    public static LabImage Of(ImageKind image) => image switch
    {
        ImageKind.Redis => Redis,
        ImageKind.Twemproxy => Twemproxy,
        ImageKind.Reconfig => Reconfig,
        ImageKind.Haproxy => Haproxy,
        _ => throw new ArgumentOutOfRangeException(nameof(image), image, null),
    };
}

/// <summary>An image of the lab: its name, its pinned tag and its build folder under <c>containers/</c>.</summary>
internal sealed record LabImage(string Image, string Tag, string ContainersSubfolder)
{
    /// <summary>The build context on this machine.</summary>
    public string BuildContext(string repositoryRoot) => Path.Combine(repositoryRoot, "containers", ContainersSubfolder);
}

/// <summary>
/// Keeps image builds off a warm start's path. Each build the AppHost asks for is stamped (build argument
/// <see cref="BuildArgument"/>, image label <see cref="Label"/>) with a hash of its build folder's files, names and
/// contents; a start whose local image carries the stamp of the folder as it is now uses that image and builds nothing.
/// Any change to a file of the folder (a Dockerfile, the supervisor, the service published into it) changes the stamp,
/// and the next start builds again. Images built by hand or by <c>eng/swarm.sh</c> carry no stamp, and are rebuilt once.
/// </summary>
internal static class LabImageStamps
{
    /// <summary>The build argument each Dockerfile turns into its <see cref="Label"/>.</summary>
    public const string BuildArgument = "LAB_BUILD_STAMP";

    /// <summary>The image label that holds the stamp.</summary>
    public const string Label = "redis-ha-lab.build-stamp";

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Stamps = new();

    /// <summary>The stamp of <paramref name="buildContext"/>: SHA-256 over every file's relative path, length and bytes, in ordinal order.</summary>
    public static string Of(string buildContext) => Stamps.GetOrAdd(Path.GetFullPath(buildContext), folder =>
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => (Full: f, Relative: Path.GetRelativePath(folder, f).Replace('\\', '/')))
            .OrderBy(f => f.Relative, StringComparer.Ordinal);
        foreach (var (full, relative) in files)
        {
            var content = File.ReadAllBytes(full);
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{relative}\0{content.Length}\0"));
            hash.AppendData(content);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    });

    /// <summary>Forgets the stamp kept for <paramref name="buildContext"/> (tests change a folder within one process).</summary>
    internal static void Forget(string buildContext) => Stamps.TryRemove(Path.GetFullPath(buildContext), out _);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<LabImage, bool> Current = new();

    /// <summary>
    /// True when the local image <paramref name="image"/> carries the stamp of <paramref name="buildContext"/> as it is
    /// now. Asked of the engine once per image in a process: the Redis image alone serves every instance and Sentinel.
    /// </summary>
    public static bool IsCurrent(LabImage image, string buildContext) =>
        Current.GetOrAdd(image, _ => OfLocalImage(image) == Of(buildContext));

    /// <summary>The stamp of the local image <paramref name="image"/>, or null: no such image, no stamp, or no engine to ask.</summary>
    private static string? OfLocalImage(LabImage image)
    {
        try
        {
            using var docker = new Docker.DotNet.DockerClientConfiguration().CreateClient();
            var inspected = docker.Images.InspectImageAsync($"{image.Image}:{image.Tag}").WaitAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
            return inspected.Config?.Labels is { } labels && labels.TryGetValue(Label, out var stamp) ? stamp : null;
        }
        catch (Exception e) when (e is Docker.DotNet.DockerApiException or HttpRequestException or TimeoutException or System.Net.Sockets.SocketException or IOException)
        {
            // Built then, as before; an engine that does not answer is reported by the start itself.
            return null;
        }
    }
}
