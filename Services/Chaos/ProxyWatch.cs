using System.Diagnostics;
using RedisHaLab.Topology;

namespace RedisHaLab.Chaos;

/// <summary>One change of where the proxy config sends a shard, and when (time since the watch started).</summary>
public sealed record ProxyChange(TimeSpan At, string Shard, string? Instance)
{
    /// <inheritdoc />
    public override string ToString() => $"{At.TotalSeconds:0.0} s: {Shard} -> {Instance ?? "no instance of it"}";
}

/// <summary>
/// Reads the proxy config every 100 ms while a scenario runs and keeps every change, so a step can ask afterwards
/// whether the proxy ever went back to an instance it had left (a demoted master must never be served again).
/// </summary>
public sealed class ProxyWatch : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly ProxyView _proxy;
    private readonly List<ProxyChange> _changes = [];
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _run;

    /// <summary>Starts watching <paramref name="proxy"/>'s config file.</summary>
    public ProxyWatch(ProxyView proxy)
    {
        _proxy = proxy;
        _run = Task.Run(RunAsync);
    }

    /// <summary>Every change seen so far, the starting state first.</summary>
    public IReadOnlyList<ProxyChange> Changes
    {
        get
        {
            lock (_lock)
            {
                return [.. _changes];
            }
        }
    }

    /// <summary>
    /// Null when the proxy sent <paramref name="shard"/> to <paramref name="instance"/> only before it left it for good, else
    /// what happened instead: it never left it, or it came back to it.
    /// </summary>
    public static string? WentBack(IReadOnlyList<ProxyChange> changes, Shard shard, RedisInstance instance)
    {
        // Only changes are recorded, so two entries in a row never name the same instance: each entry is a visit.
        var path = changes.Where(c => c.Shard == shard.Name).ToList();
        var visits = path.Select((change, index) => (change, index))
            .Where(v => string.Equals(v.change.Instance, instance.Name, StringComparison.OrdinalIgnoreCase))
            .ToList();
        var story = string.Join("; ", path);
        return visits.Count switch
        {
            0 => $"the proxy never sent {shard.Name} to {instance.Name} ({story})",
            > 1 => $"the proxy sent {shard.Name} to {instance.Name} again at {visits[1].change.At.TotalSeconds:0.0} s after leaving it ({story})",
            _ when visits[0].index == path.Count - 1 => $"the proxy still sends {shard.Name} to {instance.Name} ({story})",
            _ => null,
        };
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var last = new Dictionary<string, string?>();
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                foreach (var (shard, instance) in await _proxy.ServersAsync())
                {
                    if (!last.TryGetValue(shard.Name, out var before) || before != instance?.Name)
                    {
                        last[shard.Name] = instance?.Name;
                        lock (_lock)
                        {
                            _changes.Add(new ProxyChange(_clock.Elapsed, shard.Name, instance?.Name));
                        }
                    }
                }
            }
            catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
            {
                // A file caught mid-replacement is read again at the next tick.
            }
            try
            {
                await Task.Delay(Interval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}
