using System.Diagnostics;
using System.Globalization;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.Probes;

/// <summary>From <see cref="At"/> on, probe keys written through the front door landed on <see cref="Instance"/>, of <see cref="Shard"/>.</summary>
public sealed record RoutingChange(TimeSpan At, string Shard, string Instance)
{
    /// <inheritdoc />
    public override string ToString() => $"{At.TotalSeconds:0.0} s: {Shard} -> {Instance}";
}

/// <summary>
/// Where writes through the front door land, all through a scenario, by data: a background probe writes a fresh key
/// through the proxy (at most <see cref="ProbesPerSecond"/> a second, for at most <see cref="Longest"/>), reads it
/// back from every Redis instance directly, and records the instance that took it: the one holding it that answers
/// ROLE master (its replicas hold it too, by replication, and answer slave). A step can then ask whether a shard's
/// keys ever went back to an instance they had left (a demoted master must never take a write again).
/// </summary>
/// <remarks>
/// A key is placed by where it is found, never by what the proxy's config files say. Only changes are kept, per shard,
/// so memory stays small however long the watch runs. A key found on no master or on several is counted, not placed.
/// </remarks>
public sealed class RoutingWatch : IAsyncDisposable
{
    /// <summary>The probe's rate: enough to see each change of routing within a tenth of a second or so, little next to a scenario's load.</summary>
    public const int ProbesPerSecond = 20;

    /// <summary>The watch stops probing after this long (longer than any scenario may run).</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromMinutes(15);

    // Probes expire on their own, so that a watch never fills the lab.
    private static readonly TimeSpan KeyLifetime = TimeSpan.FromMinutes(10);

    private readonly ConnectionMultiplexer _frontDoor;
    private readonly IReadOnlyList<(RedisInstance Instance, ConnectionMultiplexer Connection)> _instances;
    private readonly string _prefix = $"redis-ha-lab:watch:{Guid.NewGuid():N}";
    private readonly List<RoutingChange> _changes = [];
    private readonly Dictionary<string, string> _lastByShard = [];
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _run;
    private int _placed;
    private int _unplaced;
    private int _failed;

    private RoutingWatch(ConnectionMultiplexer frontDoor, IReadOnlyList<(RedisInstance, ConnectionMultiplexer)> instances)
    {
        _frontDoor = frontDoor;
        _instances = instances;
        _run = Task.Run(RunAsync);
    }

    /// <summary>Starts watching the lab of <paramref name="inventory"/> through its front door and its instances' loopback ports.</summary>
    /// <param name="inventory">The lab.</param>
    /// <param name="endpoints">Where the lab's instances answer on its site.</param>
    /// <param name="password">The lab's password, null when it has no authentication.</param>
    public static async Task<RoutingWatch> StartAsync(Inventory inventory, LabEndpoints endpoints, string? password)
    {
        var frontDoor = await LabClients.ProxyAsync(endpoints.FrontDoor(inventory), password);
        var instances = inventory.RedisInstances.ToList();
        var connections = await Task.WhenAll(instances.Select(i => LabClients.RedisForWatchAsync(endpoints.Of(i), password)));
        return new RoutingWatch(frontDoor, instances.Zip(connections).ToList());
    }

    /// <summary>Every change seen so far, each shard's first landing included.</summary>
    public IReadOnlyList<RoutingChange> Changes
    {
        get
        {
            lock (_lock)
            {
                return [.. _changes];
            }
        }
    }

    /// <summary>The changes and the counts, for a report.</summary>
    public override string ToString() =>
        $"{string.Join("; ", Changes)} ({_placed} probe keys placed, {_unplaced} found on no master or on several, {_failed} writes failed)";

    /// <summary>
    /// Null when <paramref name="shard"/>'s probe keys landed on <paramref name="instance"/> only before they left it for
    /// good, else what happened instead: none ever landed there, they never left it, or they came back to it.
    /// </summary>
    public static string? WentBack(IReadOnlyList<RoutingChange> changes, Shard shard, RedisInstance instance)
    {
        // Only changes are recorded, so two entries in a row never name the same instance: each entry is a visit.
        var path = changes.Where(c => c.Shard == shard.Name).ToList();
        var visits = path.Select((change, index) => (change, index))
            .Where(v => string.Equals(v.change.Instance, instance.Name, StringComparison.OrdinalIgnoreCase))
            .ToList();
        var story = string.Join("; ", path);
        return visits.Count switch
        {
            0 => $"no probe key of {shard.Name} written through the front door ever landed on {instance.Name} ({story})",
            > 1 => $"probe keys of {shard.Name} landed on {instance.Name} again at {visits[1].change.At.TotalSeconds:0.0} s after leaving it ({story})",
            _ when visits[0].index == path.Count - 1 => $"probe keys of {shard.Name} still land on {instance.Name} ({story})",
            _ => null,
        };
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        await _frontDoor.DisposeAsync();
        foreach (var (_, connection) in _instances)
        {
            await connection.DisposeAsync();
        }
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var frontDoor = _frontDoor.GetDatabase();
        try
        {
            for (long n = 0; !_stop.IsCancellationRequested && _clock.Elapsed < Longest; n++)
            {
                // Keep to the schedule: probe n is due at n / rate seconds; a slow probe (an instance silent) is not made up for.
                var due = TimeSpan.FromSeconds(n / (double)ProbesPerSecond) - _clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, _stop.Token);
                }
                else
                {
                    n = (long)(_clock.Elapsed.TotalSeconds * ProbesPerSecond);
                }
                // A random tail, not the probe's number: keys that differ only in their last characters hash to
                // neighbouring points of twemproxy's fnv1a_64/ketama ring, so numbered probes reach one shard for
                // runs of 10 or 100 keys at a time (seen: the other shard unvisited for 15 s).
                await ProbeAsync(frontDoor, $"{_prefix}:{n.ToString(CultureInfo.InvariantCulture)}:{Guid.NewGuid():N}");
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    private async Task ProbeAsync(IDatabase frontDoor, string key)
    {
        var at = _clock.Elapsed;
        try
        {
            if (!await frontDoor.StringSetAsync(key, key, KeyLifetime))
            {
                Interlocked.Increment(ref _failed);
                return;
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Interlocked.Increment(ref _failed);
            return;
        }
        var answers = await Task.WhenAll(_instances.Select(i => HoldsAsMasterAsync(i.Connection, key)));
        var masters = _instances.Where((_, i) => answers[i]).Select(i => i.Instance).ToList();
        if (masters.Count != 1)
        {
            Interlocked.Increment(ref _unplaced);
            return;
        }
        Interlocked.Increment(ref _placed);
        var landed = masters[0];
        lock (_lock)
        {
            if (!_lastByShard.TryGetValue(landed.ShardName, out var last) || last != landed.Name)
            {
                _lastByShard[landed.ShardName] = landed.Name;
                _changes.Add(new RoutingChange(at, landed.ShardName, landed.Name));
            }
        }
    }

    /// <summary>True when the instance holds the key and answers ROLE master; false when it does not, or does not answer.</summary>
    private static async Task<bool> HoldsAsMasterAsync(ConnectionMultiplexer connection, string key)
    {
        // Both sent at once; awaited together so that a failure of one never leaves the other unobserved.
        var value = connection.GetDatabase().StringGetAsync(key);
        var role = connection.GetServer(connection.GetEndPoints()[0]).RoleAsync();
        try
        {
            await Task.WhenAll(value, role);
        }
        catch (Exception e) when (LabClients.IsUnreachable(e))
        {
            return false;
        }
        return value.Result == key && role.Result.Value == "master";
    }
}
