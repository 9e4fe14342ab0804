using RedisHaLab.Topology;

namespace RedisHaLab.AppHost.Lab;

/// <summary>
/// A shard of the lab as Sentinel-aware clients see it: its connection string names every Sentinel and the shard's
/// Sentinel master name (<c>serviceName=redis_14555_g1_4500</c>), in StackExchange.Redis form. Its row in the
/// dashboard shows who masters the shard now and logs each failover as it is seen.
/// </summary>
/// <remarks>
/// Sentinels name masters by their names on the lab network (e.g. <c>node24-redis-4501:4501</c>): a client on the lab
/// network connects to them as named; a client on the host asks the Sentinels who masters the shard and reaches data
/// through the front door.
/// </remarks>
internal sealed class LabShardResource(Shard shard, IReadOnlyList<SentinelResource> sentinels, ParameterResource? password)
    : Resource(shard.Name), IResourceWithConnectionString
{
    /// <summary>The shard of the inventory.</summary>
    public Shard Shard { get; } = shard;

    /// <summary>The lab's password, or null when the lab has none.</summary>
    public ParameterResource? PasswordParameter { get; } = password;

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression
    {
        get
        {
            var builder = new ReferenceExpressionBuilder();
            for (var i = 0; i < sentinels.Count; i++)
            {
                if (i > 0)
                {
                    builder.AppendLiteral(",");
                }
                builder.Append($"{sentinels[i].Endpoint.Property(EndpointProperty.HostAndPort)}");
            }
            // The same text as LabConnectionStrings.Shard, around Aspire's endpoints and password parameter.
            builder.AppendLiteral($",{LabConnectionStrings.ServiceNameKey}{Shard.SentinelMasterName}");
            if (PasswordParameter is not null)
            {
                builder.AppendLiteral("," + LabConnectionStrings.PasswordKey);
                builder.Append($"{PasswordParameter}");
            }
            return builder.Build();
        }
    }
}
