using System.Reflection;
using NUnit.Framework.Interfaces;
using RedisHaLab.Faults;
using RedisHaLab.Harness;

namespace RedisHaLab.IntegrationTests;

/// <summary>A lab the pool started, with the plan it was started on (its index, inventory and password).</summary>
internal sealed record PooledLab(string InventoryFile, LabPlan Plan, LabRun Run);

/// <summary>
/// The integration tests' <see cref="LabKeeper{TLab}"/>: a lab passes from one fixture to the next fixture of the same
/// inventory, reset in between, instead of each fixture starting and stopping its own (30-45 s beside another lab here,
/// and about 10 s to stop). The keeper's bookkeeping is unit-tested (LabKeeperTests); this class gives it the fixtures
/// of each inventory, and starts, resets and stops labs as the fixtures need them.
/// </summary>
/// <remarks>
/// Idle labs left are stopped when the run ends (<see cref="StopIdleLabsAfterTheRunAttribute"/>), when a fixture that
/// runs alone takes a lab, or when one needs every port of the machine (<see cref="StopIdleAsync"/>, the Swarm stack's).
/// </remarks>
internal static class LabPool
{
    /// <summary>Cold start builds the twemproxy image from source, so allow it minutes, bounded.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(8);

    private static readonly LabKeeper<PooledLab> Keeper = new(new LabSource(), FixturesOf(typeof(LabPool).Assembly));

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
    public static Task<PooledLab> TakeAsync(string inventoryFile, bool alone) => Keeper.TakeAsync(inventoryFile, alone);

    /// <summary>Keeps <paramref name="lab"/> for a later fixture of its inventory (its reset started at once), or stops it.</summary>
    public static Task GiveBackAsync(PooledLab lab) => Keeper.GiveBackAsync(lab);

    /// <summary>Stops <paramref name="lab"/> and frees its index: for a lab a fixture found broken.</summary>
    public static Task DiscardAsync(PooledLab lab) => LabSource.StopAsync(lab);

    /// <summary>Stops every idle lab: at the end of the run, and before a fixture that publishes on every address (Swarm).</summary>
    public static Task StopIdleAsync() => Keeper.StopIdleAsync();

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

    /// <summary>Labs as the fixtures get them: on an index of their own (<see cref="LabIndexes"/>), started through the AppHost.</summary>
    private sealed class LabSource : ILabSource<PooledLab>
    {
        public string InventoryOf(PooledLab lab) => lab.InventoryFile;

        public string Describe(PooledLab lab) => $"the lab at index {lab.Plan.LabIndex}";

        public async Task<PooledLab> StartAsync(string inventoryFile)
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
                        await SayAsync($"{inventoryFile} at lab index {index}: {e.Message}; starting it once more");
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

        public Task<IReadOnlyList<string>> ResetAsync(PooledLab lab, CancellationToken cancellationToken) =>
            lab.Run.ResetAsync(LabReset.Within, cancellationToken);

        Task ILabSource<PooledLab>.StopAsync(PooledLab lab) => StopAsync(lab);

        public static async Task StopAsync(PooledLab lab)
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

        public Task SayAsync(string line) => TestContext.Progress.WriteLineAsync(line);
    }
}

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
