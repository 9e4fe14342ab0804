using RedisHaLab.Topology;

namespace RedisHaLab.AppHost.Lab;

/// <summary>
/// The front door's connection string as a reference expression, the same for a lone proxy and for the load balancer
/// before several (a client cannot tell them apart): <see cref="LabConnectionStrings.FrontDoor"/>'s text around Aspire's
/// endpoint and password parameter.
/// </summary>
internal static class FrontDoorConnectionString
{
    public static ReferenceExpression Of(EndpointReference endpoint, ParameterResource? password)
    {
        var builder = new ReferenceExpressionBuilder();
        builder.Append($"{endpoint.Property(EndpointProperty.HostAndPort)}");
        builder.AppendLiteral("," + LabConnectionStrings.FrontDoorOptions);
        if (password is not null)
        {
            builder.AppendLiteral("," + LabConnectionStrings.PasswordKey);
            builder.Append($"{password}");
        }
        return builder.Build();
    }
}
