using RedisHaLab.Topology;

namespace RedisHaLab.AppHost.Lab;

/// <summary>
/// The lab's password when its inventory turns authentication on: the secret parameter <c>redis-password</c>
/// (<c>Parameters__redis-password</c>, generated when absent, masked in the dashboard). Everything the AppHost
/// renders or connects with asks this for the value; the inventory and the manifest never hold it.
/// </summary>
internal sealed class LabSecret
{
    /// <summary>The parameter's name, which the inventory loader keeps nodes from taking.</summary>
    public const string ParameterName = LabPassword.ParameterName;

    private LabSecret(IResourceBuilder<ParameterResource>? parameter) => Parameter = parameter;

    /// <summary>The parameter, or null when the lab has no authentication.</summary>
    public IResourceBuilder<ParameterResource>? Parameter { get; }

    /// <summary>Adds the parameter when <paramref name="inventory"/> asks for a password; a secret of no lab otherwise.</summary>
    public static LabSecret For(IDistributedApplicationBuilder builder, Inventory inventory) =>
        inventory.Authentication == LabAuthentication.Password
            ? new LabSecret(builder.AddParameter(ParameterName, new GenerateParameterDefault
            {
                MinLength = 32,
                // Letters and digits only: the value is written unquoted into redis.conf, sentinel.conf and YAML.
                Special = false,
            }, secret: true))
            : new LabSecret(null);

    /// <summary>
    /// Why the password given in configuration cannot be used, or null (none given, or a usable one). Checked before
    /// anything starts: a generated password is always usable, a typed one may hold what config files cannot carry.
    /// </summary>
    public static string? ProblemWithGiven(IDistributedApplicationBuilder builder, Inventory inventory)
    {
        var given = builder.Configuration[$"Parameters:{ParameterName}"];
        return inventory.Authentication == LabAuthentication.Password && given is not null && LabPassword.Problem(given) is { } problem
            ? $"{Path.GetFileName(inventory.SourceFile)} turns authentication on, and {problem}"
            : null;
    }

    /// <summary>The password, or null when the lab has no authentication.</summary>
    public async ValueTask<string?> GetAsync(CancellationToken cancellationToken) =>
        Parameter is null ? null : await Parameter.Resource.GetValueAsync(cancellationToken);
}
