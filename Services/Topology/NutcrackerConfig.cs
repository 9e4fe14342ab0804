using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace RedisHaLab.Topology;

/// <summary>One entry of a pool's <c>servers:</c> list: <c>host:port:weight [name]</c>.</summary>
/// <remarks>ketama places keys by <see cref="Name"/> when there is one, else by <c>host:port</c>.</remarks>
public sealed record ProxyServer(string Host, int Port, int Weight, string? Name)
{
    /// <summary><c>host:port</c>, the part a failover changes.</summary>
    public string Address => $"{Host}:{Port}";

    /// <summary>Parses <c>host:port:weight</c> with an optional name after a space.</summary>
    /// <exception cref="FormatException">The entry does not have that shape.</exception>
    public static ProxyServer Parse(string entry)
    {
        var parts = entry.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var address = parts.Length == 0 ? [] : parts[0].Split(':');
        if (address.Length != 3 || address[0].Length == 0 ||
            !int.TryParse(address[1], NumberStyles.None, CultureInfo.InvariantCulture, out var port) ||
            !int.TryParse(address[2], NumberStyles.None, CultureInfo.InvariantCulture, out var weight))
        {
            throw new FormatException($"server '{entry}' is not 'host:port:weight [name]'");
        }
        return new ProxyServer(address[0], port, weight, parts.Length == 2 ? parts[1] : null);
    }

    /// <inheritdoc />
    public override string ToString() => Name is null ? $"{Address}:{Weight}" : $"{Address}:{Weight} {Name}";
}

/// <summary>A nutcracker (twemproxy) config file: pools by name, each a mapping of settings with a server list.</summary>
/// <remarks>
/// Kept as YAML nodes rather than a fixed class so that a rewrite keeps every key it does not touch,
/// including ones this code has never heard of.
/// </remarks>
public sealed class NutcrackerConfig
{
    private static readonly ISerializer Serializer = new SerializerBuilder().Build();
    private readonly YamlMappingNode _root;

    private NutcrackerConfig(YamlMappingNode root) => _root = root;

    /// <summary>The config the inventory's proxy starts with: one pool, one server per shard pointing at its master.</summary>
    /// <param name="inventory">The lab.</param>
    /// <param name="password">The lab's password when its inventory turns authentication on, else null.</param>
    public static NutcrackerConfig FromInventory(Inventory inventory, string? password)
    {
        RedisConfigFile.CheckPassword(inventory, password);
        var proxy = inventory.Proxy;
        var servers = new YamlSequenceNode(inventory.Shards.Select(shard =>
            (YamlNode)new YamlScalarNode(new ProxyServer(shard.Master.Name, shard.Master.Port, 1,
                proxy.ServerNaming == ProxyServerNaming.Shard ? shard.Name : null).ToString())));
        var pool = new YamlMappingNode
        {
            // Inside its container the proxy listens everywhere; the AppHost publishes it on loopback only.
            { "listen", $"0.0.0.0:{proxy.Port}" },
            { "hash", proxy.Hash },
            { "distribution", proxy.Distribution },
            { "auto_eject_hosts", Bool(proxy.AutoEjectHosts) },
            { "redis", "true" },
            { "server_retry_timeout", proxy.ServerRetryTimeoutMilliseconds.ToString(CultureInfo.InvariantCulture) },
            { "server_failure_limit", proxy.ServerFailureLimit.ToString(CultureInfo.InvariantCulture) },
        };
        if (password is not null)
        {
            // nutcracker asks clients for it and logs in to each backend with it.
            pool.Add("redis_auth", password);
        }
        pool.Add("servers", servers);
        return new NutcrackerConfig(new YamlMappingNode { { proxy.Pool, pool } });
    }

    /// <summary>Reads a config file's text.</summary>
    /// <exception cref="FormatException">Not YAML, or not a mapping of pools each with a server list; the message names the line.</exception>
    public static NutcrackerConfig Parse(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new FormatException($"line {e.Start.Line}: not valid YAML: {e.Message}", e);
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new FormatException("line 1: a nutcracker config is one YAML mapping of pool names to pool settings");
        }
        var config = new NutcrackerConfig(root);
        foreach (var pool in config.Pools)
        {
            _ = config.Servers(pool);
        }
        return config;
    }

    /// <summary>Pool names, in file order.</summary>
    public IReadOnlyList<string> Pools => _root.Children.Keys.Select(k => ((YamlScalarNode)k).Value ?? "").ToList();

    /// <summary>The servers of <paramref name="pool"/>, in file order (the order ketama does not care about, but people do).</summary>
    /// <exception cref="FormatException">The pool is missing or its servers are malformed.</exception>
    public IReadOnlyList<ProxyServer> Servers(string pool) =>
        ServerNodes(pool).Select(n => ProxyServer.Parse(n.Value ?? "")).ToList();

    /// <summary>A copy of this config with server <paramref name="index"/> of <paramref name="pool"/> replaced; everything else is kept.</summary>
    public NutcrackerConfig WithServer(string pool, int index, ProxyServer server)
    {
        var copy = Parse(Render());
        copy.ServerNodes(pool)[index].Value = server.ToString();
        return copy;
    }

    /// <summary>The config as YAML text, ready for <c>nutcracker -c</c>.</summary>
    public string Render() => Serializer.Serialize(_root);

    private List<YamlScalarNode> ServerNodes(string pool)
    {
        if (!_root.Children.TryGetValue(new YamlScalarNode(pool), out var settings) || settings is not YamlMappingNode poolNode)
        {
            throw new FormatException($"line {_root.Start.Line}: pool '{pool}' is missing or is not a mapping of settings");
        }
        if (!poolNode.Children.TryGetValue(new YamlScalarNode("servers"), out var servers) || servers is not YamlSequenceNode list)
        {
            throw new FormatException($"line {poolNode.Start.Line}: pool '{pool}' has no 'servers:' list");
        }
        return list.Children.Select(n => n as YamlScalarNode
            ?? throw new FormatException($"line {n.Start.Line}: a server entry of pool '{pool}' must be a 'host:port:weight [name]' string")).ToList();
    }

    private static string Bool(bool value) => value ? "true" : "false";
}
