namespace RedisHaLab.Swarm;

/// <summary>The image references a stack runs, as the AppHost's <c>LabImages</c> tags them (the stack builds nothing itself).</summary>
/// <param name="Redis">redis-server and redis-sentinel, e.g. <c>redis-ha-lab/redis:7.0</c>.</param>
/// <param name="Twemproxy">twemproxy with its supervisor.</param>
/// <param name="Reconfig">the reconfig service.</param>
public sealed record StackImages(StackImage Redis, StackImage Twemproxy, StackImage Reconfig)
{
    /// <summary>All three.</summary>
    public IReadOnlyList<StackImage> All => [Redis, Twemproxy, Reconfig];
}

/// <summary>One image: its reference and the folder under <c>containers/</c> it is built from.</summary>
public sealed record StackImage(string Reference, string ContainersSubfolder);
