namespace RedisHaLab.Samples.FrontDoorClient;

/// <summary>The connection strings the AppHost hands this app.</summary>
/// <param name="FrontDoor">The proxy's front door, in StackExchange.Redis form (proxy=Twemproxy, and the password on a lab with one).</param>
/// <param name="Sentinels">The Sentinels of one shard with its service name, or null when the AppHost gave none.</param>
internal sealed record FrontDoorSettings(string FrontDoor, string? Sentinels)
{
    /// <summary>The connection name of the front door.</summary>
    public const string FrontDoorConnection = "front-door";

    /// <summary>The connection name of the shard whose Sentinels the app asks who its master is (the AppHost gives the first shard).</summary>
    public const string ShardConnection = "shard";
}
