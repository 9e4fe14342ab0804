using Microsoft.Extensions.DependencyInjection;

namespace RedisHaLab.Reconfig.PostScript;

/// <summary>Registers <c>reconfig: post-script</c>: only <see cref="PostScriptWorker"/>, none of the lab mode's parts.</summary>
internal static class PostScriptServices
{
    /// <summary>Adds the post-script worker; the inventory, proxy config file and container must already be registered.</summary>
    public static IServiceCollection AddPostScriptReconfig(this IServiceCollection services) =>
        services.AddHostedService<PostScriptWorker>();
}
