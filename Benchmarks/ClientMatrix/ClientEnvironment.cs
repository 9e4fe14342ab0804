using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.ClientMatrix;

/// <summary>What every client of the matrix is given (see ClientMatrix/clients.yml), as environment variables.</summary>
internal static class ClientEnvironment
{
    /// <summary>Every variable's name, for <c>docker run -e NAME</c> (the value comes from the docker process's own environment).</summary>
    public static readonly IReadOnlyList<string> Names =
        ["LAB_CONNECTION", "LAB_ADDRESSES", "LAB_HOST", "LAB_PORT", "LAB_PASSWORD", "LAB_KEY_PREFIX", "LAB_SECONDS"];

    /// <summary>The longest a client may run: a bound, should the matrix never close its input.</summary>
    public const int MaxSeconds = 900;

    /// <summary>The variables of <paramref name="client"/> on the lab of <paramref name="inventory"/>.</summary>
    public static IReadOnlyDictionary<string, string> Of(MatrixClient client, Inventory inventory, string? password, string keyPrefix)
    {
        var frontDoor = LabEndpoints.Aspire.FrontDoor(inventory);
        var variables = new Dictionary<string, string>
        {
            ["LAB_HOST"] = frontDoor.Address.ToString(),
            ["LAB_PORT"] = frontDoor.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["LAB_PASSWORD"] = password ?? "",
            ["LAB_KEY_PREFIX"] = keyPrefix,
            ["LAB_SECONDS"] = MaxSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["LAB_ADDRESSES"] = "",
        };
        if (client.Path == ClientPath.FrontDoor)
        {
            // As the AppHost writes the front door's connection string (docs/using-the-lab.md, "Taking the lab by reference").
            variables["LAB_CONNECTION"] = LabConnectionStrings.FrontDoor(frontDoor.ToString(), password);
        }
        else
        {
            var shard = inventory.Shards.SingleOrDefault(s => s.Name == client.Shard)
                        ?? throw new MatrixClientException($"client '{client.Name}': the lab has no shard '{client.Shard}' (it has {string.Join(", ", inventory.Shards.Select(s => s.Name))})");
            // As the AppHost writes a shard's (LabShardResource), and the address map it hands the sample app.
            variables["LAB_CONNECTION"] = LabConnectionStrings.Shard(inventory.Sentinels.Instances.Select(s => LabEndpoints.Aspire.Of(s).ToString()), shard, password);
            variables["LAB_ADDRESSES"] = LabEndpoints.Aspire.AddressTunnel(inventory).ToString();
        }
        return variables;
    }
}
