using System.Globalization;
using RedisHaLab.Probes;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.Faults;

/// <summary>A switchover's acts on the running lab: the old master's admin connection, the Sentinels, the front door.</summary>
public sealed class LabSwitchoverActions : ISwitchoverActions, IAsyncDisposable
{
    private readonly ChaosLab _lab;
    private readonly Shard _shard;
    private readonly RedisInstance _master;
    private readonly RedisInstance _replica;
    private readonly ConnectionMultiplexer _proxy;
    private readonly ConnectionMultiplexer _admin;
    private ConnectionMultiplexer? _fresh;

    private LabSwitchoverActions(ChaosLab lab, Shard shard, RedisInstance master, RedisInstance replica, ConnectionMultiplexer proxy, ConnectionMultiplexer admin)
    {
        (_lab, _shard, _master, _replica, _proxy, _admin) = (lab, shard, master, replica, proxy, admin);
    }

    /// <summary>Opens the connections a switchover of <paramref name="master"/> to <paramref name="replica"/> needs, before anything is paused.</summary>
    public static async Task<LabSwitchoverActions> OpenAsync(ChaosLab lab, Shard shard, RedisInstance master, RedisInstance replica)
    {
        // The front door's first, while the proxy is steady: during the switchover it restarts, refusing new connections
        // for a moment, and this one reconnects on its own.
        var proxy = await LabClients.ProxyAsync(lab.Endpoints.FrontDoor(lab.Inventory), lab.Password);
        try
        {
            return new LabSwitchoverActions(lab, shard, master, replica, proxy, await LabClients.RedisAsync(lab.Endpoints.Of(master), lab.Password));
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    private IServer OldMaster => _admin.GetServer(_lab.Endpoints.Of(_master));

    /// <inheritdoc />
    public Task PauseWritesAsync(TimeSpan bound) =>
        OldMaster.ExecuteAsync("CLIENT", "PAUSE", ((long)bound.TotalMilliseconds).ToString(CultureInfo.InvariantCulture), "WRITE");

    /// <inheritdoc />
    public async Task<string?> ReplicaBehindAsync()
    {
        var (m, r) = (await RedisProbe.ReplicationAsync(_master, _lab.Endpoints, _lab.Password), await RedisProbe.ReplicationAsync(_replica, _lab.Endpoints, _lab.Password));
        return m.IsMaster && r.IsReplicaOf(_master) && r.Offset >= m.Offset ? null : $"{_master.Name} {m}; {_replica.Name} {r}";
    }

    /// <inheritdoc />
    public async Task<string?> RequestFailoverAsync()
    {
        try
        {
            await _lab.Faults.ManualFailoverAsync(_shard);
            return null;
        }
        catch (ChaosException e)
        {
            return e.Message;
        }
    }

    /// <inheritdoc />
    public async Task<(RedisInstance? Promoted, string Seen)> PromotedAsync()
    {
        var vote = await _lab.Sentinels.MasterOfAsync(_shard);
        var promoted = vote.Master is { } m && m != _master && await RedisProbe.RoleAsync(m, _lab.Endpoints, _lab.Password) == "master" ? m : null;
        return (promoted, $"the Sentinels name {vote}");
    }

    /// <inheritdoc />
    public async Task<string?> ProxyProblemAsync(RedisInstance promoted, TimeSpan within)
    {
        var masters = new Dictionary<Shard, RedisInstance> { [_shard] = promoted };
        foreach (var other in _lab.Inventory.Shards.Where(s => s != _shard))
        {
            masters[other] = await _lab.Masters.RequireAsync(other);
        }
        // When the proxy restarted under the connection (the probe's writes fail, or it throws): every write is held
        // until this probe succeeds, so the next try goes over a new connection at once instead of waiting for the
        // client's own reconnect, which its once-a-second heartbeat starts (measured: 0.7-0.9 s of a 2 s pause).
        var connection = _fresh ?? _proxy;
        string? problem;
        try
        {
            problem = await RoutingProbe.ProblemAsync(connection.GetDatabase(), _shard, masters, within, _lab.Endpoints, _lab.Password);
        }
        catch (Exception e) when (LabClients.IsUnreachable(e))
        {
            problem = e.Message;
        }
        if (problem is not null && !connection.IsConnected)
        {
            await ReconnectAsync();
        }
        return problem;
    }

    /// <inheritdoc />
    public async Task<RedisInstance?> ReplicaIfPromotedAsync() =>
        await RedisProbe.RoleAsync(_replica, _lab.Endpoints, _lab.Password) == "master" ? _replica : null;

    /// <inheritdoc />
    public async Task DemoteOldMasterAsync(RedisInstance promoted)
    {
        // What Sentinel would tell it seconds later: from now on it refuses writes. Then its normal clients, the proxy's
        // old connections among them, are dropped with whatever they still hold.
        await OldMaster.ExecuteAsync("REPLICAOF", promoted.Name, promoted.Port.ToString(CultureInfo.InvariantCulture));
        await OldMaster.ExecuteAsync("CLIENT", "KILL", "TYPE", "normal");
    }

    /// <inheritdoc />
    public async Task<string> ReleaseAsync()
    {
        try
        {
            await OldMaster.ExecuteAsync("CLIENT", "UNPAUSE");
            return "the pause is released";
        }
        catch (Exception e) when (LabClients.IsUnreachable(e))
        {
            return $"CLIENT UNPAUSE failed ({e.Message}); the pause ends on its own within {Switchover.PauseBound.TotalSeconds:0} s";
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_fresh is not null)
        {
            await _fresh.DisposeAsync();
        }
        await _admin.DisposeAsync();
        await _proxy.DisposeAsync();
    }

    /// <summary>A new quick connection to the front door in place of the last fresh one; none while the proxy refuses one.</summary>
    private async Task ReconnectAsync()
    {
        if (_fresh is not null)
        {
            await _fresh.DisposeAsync();
            _fresh = null;
        }
        try
        {
            _fresh = await LabClients.ProxyQuickAsync(_lab.Endpoints.FrontDoor(_lab.Inventory), _lab.Password);
        }
        catch (Exception e) when (LabClients.IsUnreachable(e))
        {
            // The proxy still refuses: the next try asks again.
        }
    }
}
