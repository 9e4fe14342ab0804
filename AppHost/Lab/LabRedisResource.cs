namespace RedisHaLab.AppHost.Lab;

/// <summary>
/// A Redis instance of the lab: a container running <c>redis-server</c> with its own <c>redis.conf</c> on its node's
/// address, whose connection string (<c>127.0.0.22:4500[,password=…]</c>) any resource gets by reference.
/// </summary>
/// <remarks>
/// The lab's own type rather than <c>Aspire.Hosting.Redis</c>'s <c>RedisResource</c>: that package (13.6.5) requires
/// StackExchange.Redis 2.13.17 or later, and from 2.12.14 on the client carries a race in its pipe reader
/// ("Reading is not allowed after reader was completed", StackExchange.Redis issue #3085) that the lab's own chaos
/// runs hit when a node was killed. The lab stays on 2.8.16, and this type keeps the shape of Aspire's: a <c>tcp</c>
/// endpoint, the password as a parameter, the same connection string.
/// </remarks>
internal sealed class LabRedisResource(string name, ParameterResource? password) : ContainerResource(name), IResourceWithConnectionString
{
    /// <summary>The instance's endpoint, named as Aspire's Redis integration names it.</summary>
    public const string PrimaryEndpointName = "tcp";

    /// <summary>The lab's password, or null when the lab has none.</summary>
    public ParameterResource? PasswordParameter { get; } = password;

    /// <summary>The instance at its node's address and port.</summary>
    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression => PasswordParameter is null
        ? ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}")
        : ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)},password={PasswordParameter}");
}
