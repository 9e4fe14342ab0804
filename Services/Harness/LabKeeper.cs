using System.Diagnostics;

namespace RedisHaLab.Harness;

/// <summary>What a <see cref="LabKeeper{TLab}"/> asks of the labs it keeps: how to start, reset and stop one.</summary>
/// <typeparam name="TLab">A running lab.</typeparam>
public interface ILabSource<TLab>
{
    /// <summary>The inventory file <paramref name="lab"/> was started on.</summary>
    string InventoryOf(TLab lab);

    /// <summary>A few words naming <paramref name="lab"/> in the keeper's log lines (e.g. "the lab at index 3").</summary>
    string Describe(TLab lab);

    /// <summary>Starts a fresh lab of <paramref name="inventoryFile"/>, protected; a start that fails leaves nothing behind.</summary>
    Task<TLab> StartAsync(string inventoryFile);

    /// <summary>Brings <paramref name="lab"/> back to its inventory's state, bounded (<see cref="LabRun.ResetAsync"/>); returns what it undid.</summary>
    Task<IReadOnlyList<string>> ResetAsync(TLab lab, CancellationToken cancellationToken);

    /// <summary>Stops <paramref name="lab"/> until its containers are gone, and frees what it held.</summary>
    Task StopAsync(TLab lab);

    /// <summary>Writes one line where the run's progress goes.</summary>
    Task SayAsync(string line);
}

/// <summary>
/// Keeps a lab running from one user of an inventory to the next (a test fixture, in the integration tests). A start is
/// a user's largest fixed cost (30-45 s beside another lab on a 2-core machine, and the stop after it); a reset puts
/// what the last user left back to the inventory's state, checked on the servers. It starts as soon as the lab is given
/// back and mostly waits on Sentinel (a failover back, a returned master's demotion), so it overlaps other work. A lab
/// whose reset fails is stopped and a fresh one started: a user never gets a lab that is not in its inventory's state.
/// </summary>
/// <remarks>
/// A lab given back is kept only while a user of its inventory has yet to take one (<c>usersPerInventory</c>, counted
/// down at each take), one at most per inventory: an idle lab still holds its containers and its orchestrator. The
/// rest stop at once; <see cref="StopIdleAsync"/> stops those left (at the end of a run, or before a user that needs
/// the machine to itself). Thread-safe: users take and give back from parallel workers.
/// </remarks>
/// <typeparam name="TLab">A running lab.</typeparam>
public sealed class LabKeeper<TLab>(ILabSource<TLab> source, IReadOnlyDictionary<string, int> usersPerInventory)
    where TLab : class
{
    private readonly Lock _gate = new();
    private readonly List<IdleLab> _idle = [];
    private readonly Dictionary<string, int> _yetToTake = new(usersPerInventory);

    /// <summary>How many labs are idle now (kept, resetting or reset).</summary>
    public int IdleCount
    {
        get
        {
            lock (_gate)
            {
                return _idle.Count;
            }
        }
    }

    /// <summary>
    /// A lab of <paramref name="inventoryFile"/> in its inventory's state: the idle one, once its reset is done, or a
    /// fresh one.
    /// </summary>
    /// <param name="inventoryFile">The inventory file.</param>
    /// <param name="alone">The user runs with nothing beside it: every other idle lab is stopped first.</param>
    public async Task<TLab> TakeAsync(string inventoryFile, bool alone)
    {
        IdleLab? idle;
        lock (_gate)
        {
            _yetToTake[inventoryFile] = Math.Max(0, _yetToTake.GetValueOrDefault(inventoryFile) - 1);
            idle = _idle.FirstOrDefault(l => source.InventoryOf(l.Lab) == inventoryFile);
            if (idle is not null)
            {
                _idle.Remove(idle);
            }
        }
        if (alone)
        {
            await StopIdleAsync();
        }
        if (idle is not null)
        {
            var waited = Stopwatch.StartNew();
            try
            {
                var done = await idle.Reset;
                await source.SayAsync($"{inventoryFile}: reusing {source.Describe(idle.Lab)}, reset since it was given back " +
                                      $"(waited {waited.Elapsed.TotalSeconds:0.0} s for it): {(done.Count == 0 ? "nothing to undo" : string.Join(", ", done))}");
                return idle.Lab;
            }
            catch (Exception e)
            {
                // Nothing cancels a reset that was taken off the idle list: whatever ended it, a fresh lab is the way back.
                await source.SayAsync($"{inventoryFile}: {source.Describe(idle.Lab)} could not be reset ({e.Message}); stopping it and starting a fresh one");
                await source.StopAsync(idle.Lab);
            }
            finally
            {
                idle.Cancel.Dispose();
            }
        }
        return await source.StartAsync(inventoryFile);
    }

    /// <summary>
    /// Keeps <paramref name="lab"/> for a later user of its inventory, its reset started at once, or stops it when no
    /// user of its inventory is left to come or another lab of it is already idle.
    /// </summary>
    public async Task GiveBackAsync(TLab lab)
    {
        var inventory = source.InventoryOf(lab);
        lock (_gate)
        {
            if (_yetToTake.GetValueOrDefault(inventory) > 0 && _idle.All(l => source.InventoryOf(l.Lab) != inventory))
            {
                var cancel = new CancellationTokenSource();
                // A task of its own: the caller's worker goes on while the reset waits on Sentinel.
                _idle.Add(new IdleLab(lab, Task.Run(() => source.ResetAsync(lab, cancel.Token)), cancel));
                return;
            }
        }
        await source.StopAsync(lab);
    }

    /// <summary>Stops every idle lab, its reset cancelled.</summary>
    public async Task StopIdleAsync()
    {
        List<IdleLab> idle;
        lock (_gate)
        {
            idle = [.. _idle];
            _idle.Clear();
        }
        foreach (var lab in idle)
        {
            await lab.Cancel.CancelAsync();
            try
            {
                await lab.Reset;
            }
            catch (Exception)
            {
                // Its reset no longer matters: the lab stops.
            }
            lab.Cancel.Dispose();
            await source.StopAsync(lab.Lab);
        }
    }

    /// <summary>A lab given back, and its reset to its inventory's state, started when it was given back.</summary>
    private sealed record IdleLab(TLab Lab, Task<IReadOnlyList<string>> Reset, CancellationTokenSource Cancel);
}
