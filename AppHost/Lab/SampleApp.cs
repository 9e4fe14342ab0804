using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.AppHost.Lab;

/// <summary>The sample client application (Samples/FrontDoorClient) as a resource of the AppHost.</summary>
internal static class SampleApp
{
    /// <summary>Its resource name (the inventory loader keeps nodes and shards from taking it).</summary>
    public const string Name = "sample-app";

    /// <summary>The connection name under which it gets one shard's Sentinels.</summary>
    public const string ShardConnectionName = "shard";

    /// <summary>The environment variable of the shard names, comma-separated in the proxy's ring order (the app's <c>Lab:Shards</c>).</summary>
    public const string ShardsVariable = "Lab__Shards";

    /// <summary>The environment variable of the names the proxy's ketama ring hashes those shards by (the app's <c>Lab:Ring</c>).</summary>
    public const string RingVariable = "Lab__Ring";

    /// <summary>
    /// Tells the app the shards and the names its ring hashes them by, so that it measures each shard with keys the
    /// proxy sends there; nothing when the proxy hashes otherwise, and the app then measures the front door as a whole.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithShards(this IResourceBuilder<ProjectResource> project, Inventory inventory)
    {
        if (KetamaRing.ServerNames(inventory) is not { } ring)
        {
            return project;
        }
        return project
            .WithEnvironment(ShardsVariable, string.Join(",", inventory.Shards.Select(s => s.Name)))
            .WithEnvironment(RingVariable, string.Join(",", ring));
    }

    /// <summary>The environment variable of the name of the shard referenced as <see cref="ShardConnectionName"/> (the app's <c>Lab:SentinelShard</c>).</summary>
    public const string SentinelShardVariable = "Lab__SentinelShard";

    /// <summary>The environment variable of the lab's address map (the app's <c>Lab:Addresses</c>).</summary>
    public const string AddressesVariable = "Lab__Addresses";

    /// <summary>
    /// Gives the app <paramref name="shard"/>'s Sentinels by reference (as <see cref="ShardConnectionName"/>), the
    /// shard's name, and the lab's address map (<see cref="LabEndpoints.AddressTunnel"/>), so that it can follow the
    /// shard from the host as a Sentinel-aware application: the Sentinels name masters by the names containers know
    /// them by, and the map leads each to its port on the node's loopback address.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithSentinelsOf(this IResourceBuilder<ProjectResource> project,
        IResourceBuilder<LabShardResource> shard, Inventory inventory) => project
        .WithReference(shard, ShardConnectionName)
        .WithEnvironment(SentinelShardVariable, shard.Resource.Shard.Name)
        .WithEnvironment(AddressesVariable, LabEndpoints.Aspire.AddressTunnel(inventory).ToString());

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
