namespace RedisHaLab.AppHost.Lab;

/// <summary>
/// The load balancer in front of several proxies (HAProxy, TCP mode): a container of its own, under no node, whose
/// front door is the lab's connection string, in the same form as <see cref="TwemproxyResource"/>'s (clients cannot
/// tell one proxy from several). Its stats page is an HTTP endpoint, shown as a URL in the dashboard.
/// </summary>
internal sealed class HaproxyResource(string name, ParameterResource? password) : ContainerResource(name), IResourceWithConnectionString
{
    /// <summary>The endpoint clients use: the inventory's front door (127.0.0.1:14555).</summary>
    public const string FrontDoorEndpointName = "front-door";

    /// <summary>HAProxy's stats page: each proxy's state, check results and sessions.</summary>
    public const string StatsEndpointName = "stats";

    /// <summary>The lab's password, or null when the lab has none.</summary>
    public ParameterResource? PasswordParameter { get; } = password;

    /// <summary>The front door endpoint.</summary>
    public EndpointReference FrontDoor => new(this, FrontDoorEndpointName);

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression => FrontDoorConnectionString.Of(FrontDoor, PasswordParameter);
}
