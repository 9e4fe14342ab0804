using System.Text.RegularExpressions;
using RedisHaLab.Topology.Model;

namespace RedisHaLab.Swarm;

/// <summary>The image references a stack runs, as the AppHost's <c>LabImages</c> tags them (the stack builds nothing itself).</summary>
/// <param name="Redis">redis-server and redis-sentinel, e.g. <c>redis-ha-lab/redis:7.0</c>.</param>
/// <param name="Twemproxy">twemproxy with its supervisor.</param>
/// <param name="Reconfig">the reconfig service.</param>
/// <param name="Haproxy">the load balancer, for inventories with one.</param>
public sealed partial record StackImages(StackImage Redis, StackImage Twemproxy, StackImage Reconfig, StackImage Haproxy)
{
    /// <summary>All four.</summary>
    public IReadOnlyList<StackImage> All => [Redis, Twemproxy, Reconfig, Haproxy];

    /// <summary>The image of a part of the lab's model.</summary>
    public StackImage Of(ImageKind image) => image switch
    {
        ImageKind.Redis => Redis,
        ImageKind.Twemproxy => Twemproxy,
        ImageKind.Reconfig => Reconfig,
        ImageKind.Haproxy => Haproxy,
        _ => throw new ArgumentOutOfRangeException(nameof(image), image, null),
    };

    /// <summary>
    /// The same images under a registry of the user's (<c>--image-prefix HOST[:PORT][/PATH]</c>): on several machines
    /// each node pulls them from there, since no public registry holds them.
    /// </summary>
    /// <exception cref="SwarmPublishException">A prefix Docker would not take as the start of an image reference.</exception>
    public StackImages UnderPrefix(string? prefix)
    {
        if (prefix is null)
        {
            return this;
        }
        if (!Prefix().IsMatch(prefix))
        {
            throw new SwarmPublishException($"--image-prefix '{prefix}' is not how an image reference begins; give a registry host with an optional " +
                                            "port and lower-case path, without a scheme or a trailing '/', e.g. --image-prefix 10.0.0.5:5000/lab");
        }
        StackImage Under(StackImage image) => image with { Reference = $"{prefix}/{image.Reference}" };
        return new(Under(Redis), Under(Twemproxy), Under(Reconfig), Under(Haproxy));
    }

    // Docker's reference grammar: a domain (components of letters, digits and inner '-', joined by '.') with an
    // optional port, then lower-case path components joined by '.', '_', '__' or dashes.
    [GeneratedRegex(@"^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*(:[0-9]{1,5})?(/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*)*$")]
    private static partial Regex Prefix();
}

/// <summary>
/// One image: its reference, the folder under <c>containers/</c> it is built from, and the stamp of that folder as it
/// was published (the AppHost's build stamp, a hash of the folder's files), so that <c>eng/swarm.sh</c> builds an
/// image again when the local one was built from another version of the folder; null when not known.
/// </summary>
public sealed record StackImage(string Reference, string ContainersSubfolder, string? Stamp = null)
{
    /// <summary>How <c>swarm.env</c> names it: <c>reference=folder</c>, then <c>=stamp</c> when known.</summary>
    public string EnvironmentWord => Stamp is null ? $"{Reference}={ContainersSubfolder}" : $"{Reference}={ContainersSubfolder}={Stamp}";
}
