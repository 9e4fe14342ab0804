using RedisHaLab.Topology;

namespace RedisHaLab.Reconfig;

/// <summary>Points the proxy server of one shard at a new master, leaving the rest of the config as it was.</summary>
internal static class ProxyConfigTransform
{
    /// <summary>How <paramref name="config"/> must change to follow <paramref name="decision"/>, as the verifier made it (its shard is not looked up again).</summary>
    public static ProxyConfigChange Retarget(NutcrackerConfig config, Inventory inventory, MasterDecision decision) =>
        Retarget(config, inventory, decision.Shard, decision.Address, decision.Evidence.OldMaster);

    /// <summary>
    /// Decides how <paramref name="config"/> must change so that <paramref name="shard"/> is served by
    /// <paramref name="newMaster"/>. Only that server's host and port change; its weight and name, the other servers
    /// and every pool setting (known to the model or not) stay.
    /// </summary>
    /// <param name="oldMaster">The master being replaced when an event said so; with unnamed servers it finds the server as the post's script did.</param>
    public static ProxyConfigChange Retarget(NutcrackerConfig config, Inventory inventory, Shard shard,
        MasterAddress newMaster, MasterAddress? oldMaster = null)
    {
        // nutcracker splits 'host:port:weight name' on ':' and ' ', so such a host cannot be written (e.g. IPv6).
        if (newMaster.Host.Length == 0 || newMaster.Host.Any(c => c == ':' || char.IsWhiteSpace(c)))
        {
            return new ProxyConfigChange.CannotApply(shard, $"'{newMaster.Host}' cannot be written as a nutcracker server host");
        }
        var pool = inventory.Proxy.Pool;
        IReadOnlyList<ProxyServer> servers;
        try
        {
            servers = config.Servers(pool);
        }
        catch (FormatException e)
        {
            return new ProxyConfigChange.CannotApply(shard, e.Message);
        }
        var found = inventory.Proxy.ServerNaming == ProxyServerNaming.Shard
            ? FindByName(servers, shard)
            : FindByAddress(servers, shard, newMaster, oldMaster);
        if (found.Index < 0)
        {
            return new ProxyConfigChange.CannotApply(shard, $"pool '{pool}': {found.Problem}");
        }
        var before = servers[found.Index];
        if (newMaster.IsAddressOf(before))
        {
            return new ProxyConfigChange.Unchanged(shard, before);
        }
        var after = before with { Host = newMaster.Host, Port = newMaster.Port };
        return new ProxyConfigChange.Rewrite(shard, found.Index, before, after, config.WithServer(pool, found.Index, after));
    }

    /// <summary>Named servers (<c>host:port:1 g1</c>): the shard's server is the one carrying its name.</summary>
    private static (int Index, string Problem) FindByName(IReadOnlyList<ProxyServer> servers, Shard shard)
    {
        var matches = Indexes(servers, s => s.Name == shard.Name);
        return matches.Count switch
        {
            1 => (matches[0], ""),
            0 => (-1, $"no server is named '{shard.Name}' (the inventory says servers are named after their shard)"),
            _ => (-1, $"{matches.Count} servers are named '{shard.Name}'; a name must be unique"),
        };
    }

    /// <summary>
    /// Unnamed servers (the post's <c>host:port:1</c>): the shard's server is the one at the shard's address. Tried in
    /// order: the new master (already done), the old master the event names (the post's rule), then any instance the
    /// inventory puts in the shard (what a reconcile, which knows no old master, has to go by).
    /// </summary>
    private static (int Index, string Problem) FindByAddress(IReadOnlyList<ProxyServer> servers, Shard shard,
        MasterAddress newMaster, MasterAddress? oldMaster)
    {
        var atNew = Indexes(servers, newMaster.IsAddressOf);
        if (atNew.Count > 0)
        {
            return (atNew[0], "");
        }
        if (oldMaster is not null)
        {
            var atOld = Indexes(servers, oldMaster.IsAddressOf);
            if (atOld.Count > 0)
            {
                return (atOld[0], "");
            }
        }
        var members = shard.Replicas.Prepend(shard.Master).Select(i => new MasterAddress(i.Name, i.Port)).ToList();
        var atMember = Indexes(servers, s => members.Any(m => m.IsAddressOf(s)));
        return atMember.Count switch
        {
            1 => (atMember[0], ""),
            0 => (-1, $"no server is at {(oldMaster is null ? "" : $"{oldMaster} or ")}an instance of shard '{shard.Name}' ({string.Join(", ", members)})"),
            _ => (-1, $"{atMember.Count} servers are at instances of shard '{shard.Name}'; with unnamed servers each shard needs exactly one"),
        };
    }

    /// <summary>
    /// Runs the parse, transform and render paths once on <paramref name="inventory"/>'s own config, so the first
    /// failover after start-up does not pay for compiling them (measured: the first round was the slowest).
    /// </summary>
    public static void WarmUp(Inventory inventory, string? password)
    {
        var config = NutcrackerConfig.Parse(NutcrackerConfig.FromInventory(inventory, password).Render());
        foreach (var shard in inventory.Shards)
        {
            var other = shard.Replicas.FirstOrDefault() ?? shard.Master;
            if (Retarget(config, inventory, shard, new MasterAddress(other.Name, other.Port)) is ProxyConfigChange.Rewrite rewrite)
            {
                _ = rewrite.Config.Render();
            }
        }
    }

    private static List<int> Indexes(IReadOnlyList<ProxyServer> servers, Func<ProxyServer, bool> match) =>
        Enumerable.Range(0, servers.Count).Where(i => match(servers[i])).ToList();
}
