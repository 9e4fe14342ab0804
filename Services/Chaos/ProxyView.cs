using RedisHaLab.Topology;

namespace RedisHaLab.Chaos;

/// <summary>
/// The proxy's config file on the host (the one the reconfig service rewrites and nutcracker reads through a bind
/// mount): which instance each shard's server points at.
/// </summary>
public sealed class ProxyView(Inventory inventory, string configFile)
{
    /// <summary>The config file's host path.</summary>
    public string ConfigFile { get; } = configFile;

    /// <summary>For each shard, the instance its server points at, or null when it names no instance of the shard.</summary>
    public async Task<IReadOnlyDictionary<Shard, RedisInstance?>> ServersAsync()
    {
        var servers = NutcrackerConfig.Parse(await ReadAsync()).Servers(inventory.Proxy.Pool);
        return inventory.Shards.ToDictionary(shard => shard, shard => InstanceOf(shard, servers));
    }

    /// <summary>The instance the shard's server points at, or null when it names no instance of the shard.</summary>
    public async Task<RedisInstance?> ServerOfAsync(Shard shard) => (await ServersAsync())[shard];

    private RedisInstance? InstanceOf(Shard shard, IReadOnlyList<ProxyServer> servers)
    {
        var instances = shard.Replicas.Prepend(shard.Master).ToList();
        // Named servers are found by the shard's name; the post's unnamed ones by an address of the shard.
        var server = inventory.Proxy.ServerNaming == ProxyServerNaming.Shard
            ? servers.FirstOrDefault(s => s.Name == shard.Name)
            : servers.FirstOrDefault(s => instances.Any(i => Names(i, s)));
        return server is null ? null : instances.FirstOrDefault(i => Names(i, server));
    }

    private static bool Names(RedisInstance instance, ProxyServer server) =>
        server.Port == instance.Port && string.Equals(server.Host, instance.Name, StringComparison.OrdinalIgnoreCase);

    private async Task<string> ReadAsync()
    {
        // The reconfig service replaces the file by a rename; a read racing it can fail once, never twice in a row.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await File.ReadAllTextAsync(ConfigFile);
            }
            catch (IOException) when (attempt < 3)
            {
                await Task.Delay(50);
            }
        }
    }
}
