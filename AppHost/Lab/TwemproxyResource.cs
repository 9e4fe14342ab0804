namespace RedisHaLab.AppHost.Lab;

/// <summary>
/// The lab's proxy (nutcracker): a container whose front door is the lab's connection string. Any resource of the
/// AppHost gets it with <c>.WithReference(proxy)</c> as <c>ConnectionStrings__front-door</c>, in StackExchange.Redis
/// form with <c>proxy=Twemproxy</c> (the proxy refuses the commands a plain client would send on connect) and an empty
/// <c>tiebreaker</c> (its handshake read would wait for one shard's master; see <c>LabConnections.ToProxy</c>).
/// </summary>
/// <remarks>
/// Behind a load balancer a proxy has no front door of its own (<paramref name="hasFrontDoor"/> false): its connection
/// string then names it at its node's address, and the load balancer's is the lab's.
/// </remarks>
internal sealed class TwemproxyResource(string name, ParameterResource? password, bool hasFrontDoor = true) : ContainerResource(name), IResourceWithConnectionString
{
    /// <summary>The connection name references get unless they choose their own.</summary>
    public const string ConnectionName = "front-door";

    /// <summary>The endpoint clients use: the inventory's front door (127.0.0.1:14555 in the post's lab).</summary>
    public const string FrontDoorEndpointName = "front-door";

    /// <summary>The proxy at its node's own address, as the post's hosts reached it.</summary>
    public const string NodeEndpointName = "proxy";

    /// <summary>The lab's password (twemproxy's <c>redis_auth</c>), or null when the lab has none.</summary>
    public ParameterResource? PasswordParameter { get; } = password;

    /// <summary>The front door endpoint, when the proxy has one.</summary>
    public EndpointReference FrontDoor => new(this, FrontDoorEndpointName);

    /// <summary>What the connection string names: the front door, or the node's address behind a load balancer.</summary>
    private EndpointReference Connected => new(this, hasFrontDoor ? FrontDoorEndpointName : NodeEndpointName);

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression => FrontDoorConnectionString.Of(Connected, PasswordParameter);
}

/// <summary>A Sentinel of the lab: a container running <c>redis-sentinel</c> on its node's address.</summary>
internal sealed class SentinelResource(string name) : ContainerResource(name)
{
    /// <summary>The Sentinel's port on its node's address (26379 in the post's lab).</summary>
    public const string EndpointName = "sentinel";

    /// <summary>The Sentinel's endpoint.</summary>
    public EndpointReference Endpoint => new(this, EndpointName);
}
