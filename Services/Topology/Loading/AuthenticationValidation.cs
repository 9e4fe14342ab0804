using static RedisHaLab.Topology.YamlOutline;

namespace RedisHaLab.Topology;

public static partial class InventoryLoader
{
    // authentication: whether every part asks for the lab's password.
    private sealed partial class Validation
    {
        /// <summary><c>authentication</c>, optional: <c>none</c> when absent. The password itself never sits in the inventory.</summary>
        private LabAuthentication? BuildAuthentication(string? value)
        {
            LabAuthentication? authentication = value switch
            {
                null or "none" => LabAuthentication.None,
                "password" => LabAuthentication.Password,
                _ => null,
            };
            if (authentication is null)
            {
                Problem(["authentication"], $"authentication {Shown(value!)} is unknown; use 'none' (the default: no password) or 'password' " +
                                            "(every Redis, Sentinel and the proxy ask for the AppHost's secret parameter redis-password; never write the password here)");
            }
            return authentication;
        }
    }
}
