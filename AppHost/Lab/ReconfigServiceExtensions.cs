namespace RedisHaLab.AppHost.Lab;

/// <summary>Adds the reconfig service, the lab's replacement for the post's client-reconfig-script.</summary>
internal static class ReconfigServiceExtensions
{
    /// <summary>Resource name of the reconfig service.</summary>
    public const string ResourceName = "reconfig";

    /// <summary>Adds the service, pointed at this lab's inventory, proxy config file and proxy container.</summary>
    public static IResourceBuilder<ProjectResource> AddReconfigService(this IDistributedApplicationBuilder builder, LabResources lab)
    {
        var service = builder.AddProject<Projects.Reconfig>(ResourceName)
            .WithEnvironment(context =>
            {
                // Host paths of this checkout: meaningful to a local run only, so kept out of the manifest.
                if (context.ExecutionContext.IsRunMode)
                {
                    context.EnvironmentVariables["Lab__Inventory"] = lab.Inventory.SourceFile;
                    context.EnvironmentVariables["Lab__ProxyConfigFile"] = lab.State.ProxyConfigFile;
                }
                context.EnvironmentVariables["Lab__ProxyContainer"] = lab.Inventory.Proxy.Name;
            })
            // It subscribes to every Sentinel and restarts the proxy: both must be up first. The proxy only started,
            // not healthy: Aspire waits again at every start, and the proxy is unhealthy exactly when a failover went
            // unapplied, which is when this service is needed (a chaos scenario caught a start waiting forever).
            .WaitForStart(lab.Proxy);
        foreach (var sentinel in lab.Sentinels)
        {
            service.WaitFor(sentinel);
        }
        return service;
    }
}
