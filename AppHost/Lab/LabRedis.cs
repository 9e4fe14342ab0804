namespace RedisHaLab.AppHost.Lab;

/// <summary>
/// The lab's Redis instances as <c>Aspire.Hosting.Redis</c>'s own <see cref="RedisResource"/>, so that
/// <c>WithReference(redis)</c> gives an app what any Aspire Redis gives it: <c>ConnectionStrings__&lt;name&gt;</c>
/// (<c>127.0.0.22:4500[,password=…]</c>) and <c>&lt;NAME&gt;_HOST</c>, <c>_PORT</c>, <c>_PASSWORD</c>, <c>_URI</c>.
/// </summary>
/// <remarks>
/// The resource is added as it is, with the lab's annotations, not through <c>AddRedis</c> (13.6.5), whose defaults
/// the lab would have to take back one by one: a registry image, a generated password parameter when the lab has
/// none, <c>/bin/sh -c "redis-server --requirepass $REDIS_PASSWORD [--save …]"</c> with the password in the
/// container's environment, a proxied endpoint on port 6379, its own health check holding a connection to each
/// instance, and in run mode a TLS endpoint once a developer certificate exists. The lab needs its locally built
/// image, <c>redis-server &lt;folder&gt;/redis.conf</c> (the password is in the rendered file), the post's port on the
/// node's own loopback address and its own health check (<see cref="RedisInstanceHealthCheck"/>: a replica whose link
/// is down is not healthy, and it is asked again within 0.1 s; Aspire's only pings, on Aspire's backoff).
/// </remarks>
internal static class LabRedis
{
    /// <summary>The instance's endpoint, named as <see cref="RedisResource.PrimaryEndpoint"/> expects (internal there).</summary>
    public const string PrimaryEndpointName = "tcp";

    /// <summary>The endpoint's scheme as <c>AddRedis</c> gives it, so that <c>&lt;NAME&gt;_URI</c> reads <c>redis://…</c>.</summary>
    public const string UriScheme = "redis";

    /// <summary>An instance named <paramref name="name"/>, with the lab's password or none.</summary>
    public static RedisResource Resource(string name, ParameterResource? password)
    {
        if (password is null)
        {
            return new RedisResource(name);
        }
#pragma warning disable ASPIRECONTAINERSHELLEXECUTION001 // Aspire's own switch; nothing else sets it
        // This constructor turns on ShellExecution for AddRedis's `/bin/sh -c "…"`: it would hand redis-server
        // `-c "<folder>/redis.conf"`. Off, redis-server gets its argument as it is.
        return new RedisResource(name, password) { ShellExecution = false };
#pragma warning restore ASPIRECONTAINERSHELLEXECUTION001
    }
}
