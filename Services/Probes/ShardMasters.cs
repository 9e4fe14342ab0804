using RedisHaLab.Topology;

namespace RedisHaLab.Probes;

/// <summary>What one instance answered to <c>ROLE</c>: <c>master</c>, <c>slave</c>, or null when it did not answer.</summary>
public sealed record RoleAnswer(RedisInstance Instance, string? Role)
{
    /// <inheritdoc />
    public override string ToString() => $"{Instance.Name} {Role ?? "no answer"}";
}

/// <summary>Who masters a shard now, and on what evidence; <see cref="Instance"/> is null when neither rule settles it.</summary>
public sealed record ShardMaster(Shard Shard, RedisInstance? Instance, string Evidence)
{
    /// <inheritdoc />
    public override string ToString() => Instance is null ? $"no master of {Shard.Name} ({Evidence})" : $"{Instance.Name} ({Evidence})";
}

/// <summary>
/// The one rule chaos uses for "the current master of a shard": the instance of the shard (per the inventory) that
/// answers <c>ROLE</c> with <c>master</c>, when exactly one does; only when <c>ROLE</c> cannot settle it (none does: the
/// master is down and no replica is promoted yet; or two do: an old master back before Sentinel demotes it) the
/// instance a majority of the Sentinels names.
/// </summary>
/// <remarks>
/// The instances first because they hold the data: a Sentinel believes what it is told (a forged announcement makes
/// every Sentinel name another shard's master) and follows a promotion a second or two late. Sentinel is asked only
/// for what the instances cannot say.
/// </remarks>
public sealed class ShardMasters(SentinelView sentinels)
{
    /// <summary>The shard's current master by the rule above.</summary>
    public async Task<ShardMaster> OfAsync(Shard shard) => await OfAsync(shard, await RolesAsync(shard, sentinels.Endpoints, sentinels.Password));

    /// <summary>The shard's current master by the rule above, from ROLE answers the caller already has (a watch keeps its own connections).</summary>
    public async Task<ShardMaster> OfAsync(Shard shard, IReadOnlyList<RoleAnswer> roles)
    {
        if (ByRole(roles) is { } master)
        {
            return new ShardMaster(shard, master, "the only instance of it answering ROLE master");
        }
        var vote = await sentinels.MasterOfAsync(shard);
        return new ShardMaster(shard, vote.Master, $"ROLE settles nothing ({string.Join(", ", roles)}); Sentinels: {vote}");
    }

    /// <summary>The shard's current master; throws when the rule settles nothing.</summary>
    /// <exception cref="ChaosException">Neither ROLE nor a majority of the Sentinels names one.</exception>
    public async Task<RedisInstance> RequireAsync(Shard shard)
    {
        var master = await OfAsync(shard);
        return master.Instance ?? throw new ChaosException($"{master}");
    }

    /// <summary>The current master of every shard of <paramref name="inventory"/>; throws when one has none.</summary>
    /// <exception cref="ChaosException">Some shard has no master by the rule.</exception>
    public async Task<IReadOnlyDictionary<Shard, RedisInstance>> RequireAllAsync(Inventory inventory)
    {
        var masters = new Dictionary<Shard, RedisInstance>();
        foreach (var shard in inventory.Shards)
        {
            masters[shard] = await RequireAsync(shard);
        }
        return masters;
    }

    /// <summary>What every instance of <paramref name="shard"/> answers to ROLE now, in inventory order.</summary>
    public static async Task<IReadOnlyList<RoleAnswer>> RolesAsync(Shard shard, LabEndpoints endpoints, string? password)
    {
        var instances = shard.Replicas.Prepend(shard.Master).ToList();
        var roles = await Task.WhenAll(instances.Select(i => RedisProbe.RoleAsync(i, endpoints, password)));
        return instances.Zip(roles, (instance, role) => new RoleAnswer(instance, role)).ToList();
    }

    /// <summary>What the dashboard shows in an instance's row: its role in its shard, as it answered <c>ROLE</c>.</summary>
    public static string RoleText(RoleAnswer answer) => answer.Role switch
    {
        "master" => $"master of {answer.Instance.ShardName}",
        "slave" => $"replica of {answer.Instance.ShardName}",
        null => "not answering",
        var other => $"{other} (unexpected)",
    };

    /// <summary>The one instance answering <c>master</c>, or null when none or several do.</summary>
    public static RedisInstance? ByRole(IReadOnlyList<RoleAnswer> answers)
    {
        var masters = answers.Where(a => a.Role == "master").ToList();
        return masters.Count == 1 ? masters[0].Instance : null;
    }
}
