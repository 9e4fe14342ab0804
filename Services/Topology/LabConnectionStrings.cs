namespace RedisHaLab.Topology;

/// <summary>
/// The StackExchange.Redis connection strings of the lab's two doors, in one place: the front door (a proxy, or the
/// load balancer before several) and a shard followed through its Sentinels. The AppHost writes them for
/// <c>WithReference</c> (its resources build the same text around Aspire's endpoint references); the client matrix
/// and the sample app's test hand a client the same text for a running lab.
/// </summary>
public static class LabConnectionStrings
{
    /// <summary>
    /// What follows the front door's endpoint: the client is told it talks to twemproxy (<c>proxy=Twemproxy</c>: no
    /// command the proxy would close the connection on) and reads no tie-breaker key (<c>tiebreaker=</c>: through the
    /// proxy that read goes to a shard that may have no master). <c>LabConnections.ToProxy</c> says why, at length.
    /// </summary>
    public const string FrontDoorOptions = "proxy=Twemproxy,tiebreaker=";

    /// <summary>The key of a shard's Sentinel master name (<c>serviceName=redis_14555_g1_4500</c>).</summary>
    public const string ServiceNameKey = "serviceName=";

    /// <summary>The key of the lab's password, on a lab with authentication only.</summary>
    public const string PasswordKey = "password=";

    /// <summary>The front door at <paramref name="hostAndPort"/> (<c>127.0.0.1:14555</c>), with the lab's password when it has one.</summary>
    public static string FrontDoor(string hostAndPort, string? password) =>
        $"{hostAndPort},{FrontDoorOptions}{PasswordPart(password)}";

    /// <summary>
    /// <paramref name="shard"/> through the Sentinels at <paramref name="sentinelHostAndPorts"/>, with the lab's password when
    /// it has one.
    /// </summary>
    public static string Shard(IEnumerable<string> sentinelHostAndPorts, Shard shard, string? password) =>
        $"{string.Join(",", sentinelHostAndPorts)},{ServiceNameKey}{shard.SentinelMasterName}{PasswordPart(password)}";

    private static string PasswordPart(string? password) => password is null ? "" : $",{PasswordKey}{password}";
}
