namespace RedisHaLab.AppHost.Lab;

/// <summary>The sample client application (Samples/FrontDoorClient) as a resource of the AppHost.</summary>
internal static class SampleApp
{
    /// <summary>Its resource name (the inventory loader keeps nodes and shards from taking it).</summary>
    public const string Name = "sample-app";

    /// <summary>The connection name under which it gets one shard's Sentinels.</summary>
    public const string ShardConnectionName = "shard";

    /// <summary>
    /// The lab runs on plain HTTP on loopback by design: no development certificate is configured for the project, so
    /// the dashboard has no certificate to warn about.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithPlainHttpOnly(this IResourceBuilder<ProjectResource> project)
    {
#pragma warning disable ASPIRECERTIFICATES001 // Experimental in Aspire 13: the documented way to opt a resource out of the developer certificate.
        return project.WithoutHttpsCertificate();
#pragma warning restore ASPIRECERTIFICATES001
    }
}
