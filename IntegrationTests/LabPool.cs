using System.Diagnostics;
using System.Reflection;
using NUnit.Framework.Interfaces;
using RedisHaLab.Faults;
using RedisHaLab.Harness;

namespace RedisHaLab.IntegrationTests;

/// <summary>A lab the pool started, with the plan it was started on (its index, inventory and password).</summary>
internal sealed record PooledLab(string InventoryFile, LabPlan Plan, LabRun Run);

/// <summary>
/// Keeps a lab running from one fixture to the next fixture of the same inventory. A start is a fixture's largest
/// fixed cost (30-45 s beside another lab on this machine, and the stop after it); a reset (<see cref="LabRun.ResetAsync"/>)
/// puts what the last fixture left back to its inventory's state, checked on the servers. It starts as soon as the lab
/// is given back and mostly waits on Sentinel (a failover back, a returned master's demotion), so it runs while the
/// workers go on with other fixtures. A lab whose reset fails is stopped and a fresh one started: a fixture never gets
/// a lab that is not in its inventory's state.
/// </summary>
/// <remarks>
/// A lab given back is kept only while a fixture of its inventory has yet to take one (<see cref="FixturesOf"/>), one
/// at most per inventory: an idle lab still holds a lab index, its containers and its orchestrator. The rest stop at
/// once; whatever is left stops when the run ends (<see cref="StopIdleLabsAfterTheRunAttribute"/>), when a fixture that runs alone
/// takes a lab, or when one needs every port of the machine (<see cref="StopIdleAsync"/>, the Swarm stack's).
/// </remarks>
internal static class LabPool
{
    /// <summary>Cold start builds the twemproxy image from source, so allow it minutes, bounded.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(8);

    private static readonly Lock Gate = new();
    private static readonly List<IdleLab> Idle = [];
    private static Dictionary<string, int>? _yetToTake;

    /// <summary>
    /// A lab of <paramref name="inventoryFile"/> (under inventories/) in its inventory's state: an idle one reset, or a
    /// fresh one on an index of its own.
    /// </summary>
    /// <param name="inventoryFile">The inventory file, under inventories/.</param>
    /// <param name="alone">
    /// The fixture runs with nothing beside it ([NonParallelizable]: its proofs hold only on a quiet machine): every
    /// other idle lab is stopped first. Idle, a lab still takes about a fifth of this machine's two cores (its Sentinels,
    /// its reconfig service, its orchestrator), enough to push a 200 ms check over its bound.
    /// </param>
    public static async Task<PooledLab> TakeAsync(string inventoryFile, bool alone)
    {
        IdleLab? idle;
        lock (Gate)
        {
            var yetToTake = YetToTake();
            yetToTake[inventoryFile] = Math.Max(0, yetToTake.GetValueOrDefault(inventoryFile) - 1);
            idle = Idle.FirstOrDefault(l => l.Lab.InventoryFile == inventoryFile);
            if (idle is not null)
            {
                Idle.Remove(idle);
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
                await Say($"{inventoryFile}: reusing the lab at index {idle.Lab.Plan.LabIndex}, reset since it was given back " +
                          $"(waited {waited.Elapsed.TotalSeconds:0.0} s for it): {(done.Count == 0 ? "nothing to undo" : string.Join(", ", done))}");
                return idle.Lab;
            }
            catch (Exception e)
            {
                // Nothing cancels a reset that was taken off the idle list: whatever ended it, a fresh lab is the way back.
                await Say($"{inventoryFile}: the idle lab at index {idle.Lab.Plan.LabIndex} could not be reset ({e.Message}); stopping it and starting a fresh one");
                await StopAsync(idle.Lab);
            }
            finally
            {
                idle.Cancel.Dispose();
            }
        }
        return await StartAsync(inventoryFile);
    }

    /// <summary>
    /// Keeps <paramref name="lab"/> for a later fixture of its inventory, its reset started at once (mostly waits on
    /// Sentinel's timers, so it overlaps other fixtures' work), or stops it when no fixture of its inventory is left to come.
    /// </summary>
    public static async Task GiveBackAsync(PooledLab lab)
    {
        lock (Gate)
        {
            if (YetToTake().GetValueOrDefault(lab.InventoryFile) > 0 && Idle.All(l => l.Lab.InventoryFile != lab.InventoryFile))
            {
                var cancel = new CancellationTokenSource();
                Idle.Add(new IdleLab(lab, Task.Run(() => lab.Run.ResetAsync(LabReset.Within, cancel.Token)), cancel));
                return;
            }
        }
        await StopAsync(lab);
    }

    /// <summary>Stops <paramref name="lab"/> and frees its index: for a lab a fixture found broken.</summary>
    public static Task DiscardAsync(PooledLab lab) => StopAsync(lab);

    /// <summary>Stops every idle lab: at the end of the run, and before a fixture that publishes on every address (Swarm).</summary>
    public static async Task StopIdleAsync()
    {
        List<IdleLab> idle;
        lock (Gate)
        {
            idle = [.. Idle];
            Idle.Clear();
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
            await StopAsync(lab.Lab);
        }
    }

    private static async Task<PooledLab> StartAsync(string inventoryFile)
    {
        var index = LabIndexes.Take();
        try
        {
            var plan = LabPlan.For(Path.Combine(Repository.Root, "inventories", inventoryFile), index);
            var run = await LabIndexes.FirstStart.RunAsync(async () =>
            {
                try
                {
                    return await LabLaunch.StartAsync<Projects.AppHost>(plan, StartTimeout, quietLogs: false, CancellationToken.None);
                }
                catch (LabStartException e)
                {
                    // A part that stopped on its way up fails the fixture's set-up, not what its tests prove: the stopped
                    // start is gone (LabLaunch removes it), so start once more, saying why in the log. A second failure
                    // fails the fixture with its own reason.
                    await Say($"{inventoryFile} at lab index {index}: {e.Message}; starting it once more");
                    return await LabLaunch.StartAsync<Projects.AppHost>(plan, StartTimeout, quietLogs: false, CancellationToken.None);
                }
            });
            return new PooledLab(inventoryFile, plan, run);
        }
        catch
        {
            LabIndexes.Return(index);
            throw;
        }
    }

    private static async Task StopAsync(PooledLab lab)
    {
        try
        {
            await lab.Run.StopAsync();
        }
        finally
        {
            LabIndexes.Return(lab.Plan.LabIndex);
        }
    }

    private static Task Say(string line) => TestContext.Progress.WriteLineAsync(line);

    private static Dictionary<string, int> YetToTake() => _yetToTake ??= FixturesOf(typeof(LabPool).Assembly);

    /// <summary>
    /// How many fixtures of each inventory file the assembly holds: each <see cref="TestFixtureAttribute"/> with
    /// arguments names its file first; a fixture without one names it in its constructor, read from an instance made
    /// only for that (a fixture's constructor records the file and does nothing else). A filtered run counts fixtures
    /// it will not run: their inventories' labs then wait idle until the run ends.
    /// </summary>
    internal static Dictionary<string, int> FixturesOf(Assembly assembly) =>
        assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsClass: true } && t.IsSubclassOf(typeof(LabFixture)))
            .SelectMany(t => t.GetCustomAttributes<TestFixtureAttribute>().Where(a => a.Arguments.Length > 0).Select(a => (string)a.Arguments[0]!).ToList() is { Count: > 0 } named
                ? named
                : [((LabFixture)Activator.CreateInstance(t)!).HomeInventoryFile])
            .GroupBy(file => file)
            .ToDictionary(g => g.Key, g => g.Count());
}

/// <summary>A lab given back to the pool, and its reset to its inventory's state, started when it was given back.</summary>
internal sealed record IdleLab(PooledLab Lab, Task<IReadOnlyList<string>> Reset, CancellationTokenSource Cancel);

/// <summary>
/// Stops the labs the pool still keeps once every test of the assembly has run (a filtered run leaves some idle). An
/// assembly action, not a [SetUpFixture]: a setup fixture changed how NUnit dispatched the fixtures under it, and a
/// [NonParallelizable] one ran first, beside the others.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class StopIdleLabsAfterTheRunAttribute : Attribute, ITestAction
{
    public ActionTargets Targets => ActionTargets.Suite;

    public void BeforeTest(ITest test)
    {
    }

    public void AfterTest(ITest test)
    {
        // Only after the assembly: were the action also given each fixture, stopping idle labs there would empty the pool.
        if (test.TestType == "Assembly")
        {
            LabPool.StopIdleAsync().GetAwaiter().GetResult();
        }
    }
}
