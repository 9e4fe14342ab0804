using RedisHaLab.Harness;

namespace RedisHaLab.UnitTests.Harness;

/// <summary>
/// The bookkeeping that passes a lab from one fixture to the next of its inventory (<see cref="LabKeeper{TLab}"/>):
/// kept only while a user of its inventory is yet to come, one idle per inventory, never handed out unless its reset
/// passed, and every idle lab stopped on demand. No Docker: labs are names, and each start, reset and stop is recorded.
/// </summary>
public class LabKeeperTests
{
    private const string Post = "post-2016.yml";
    private const string Auth = "post-2016-auth.yml";

    // Catches: a lab stopped although a fixture of its inventory is still to come (every fixture pays a start again).
    [Test]
    public async Task A_lab_given_back_while_a_user_of_its_inventory_is_to_come_is_reset_and_handed_to_that_user()
    {
        var labs = new FakeLabs();
        var keeper = new LabKeeper<FakeLab>(labs, new Dictionary<string, int> { [Post] = 2 });

        var first = await keeper.TakeAsync(Post, alone: false);
        await keeper.GiveBackAsync(first);
        var second = await keeper.TakeAsync(Post, alone: false);

        Assert.That(second, Is.SameAs(first));
        Assert.That(labs.Events, Is.EqualTo(new[] { "start post-2016.yml#1", "reset post-2016.yml#1" }));
    }

    // Catches: a lab kept idle with no user left to take it (its containers and orchestrator held to the end of the run).
    [Test]
    public async Task The_last_user_of_an_inventory_gives_back_a_lab_that_stops()
    {
        var labs = new FakeLabs();
        var keeper = new LabKeeper<FakeLab>(labs, new Dictionary<string, int> { [Post] = 1 });

        await keeper.GiveBackAsync(await keeper.TakeAsync(Post, alone: false));

        Assert.That(labs.Events, Is.EqualTo(new[] { "start post-2016.yml#1", "stop post-2016.yml#1" }));
        Assert.That(keeper.IdleCount, Is.Zero);
    }

    // Catches: two idle labs of one inventory (two users running at once gave both back), one of them never taken.
    [Test]
    public async Task At_most_one_lab_of_an_inventory_idles()
    {
        var labs = new FakeLabs();
        var keeper = new LabKeeper<FakeLab>(labs, new Dictionary<string, int> { [Post] = 3 });

        var a = await keeper.TakeAsync(Post, alone: false);
        var b = await keeper.TakeAsync(Post, alone: false);
        await keeper.GiveBackAsync(a);
        await keeper.GiveBackAsync(b);

        Assert.That(keeper.IdleCount, Is.EqualTo(1));
        Assert.That(labs.Events, Does.Contain("stop post-2016.yml#2"));
        Assert.That(await keeper.TakeAsync(Post, alone: false), Is.SameAs(a));
    }

    // Catches: a lab whose reset failed handed out anyway (a fixture's proofs run on a lab not in its inventory's state).
    [Test]
    public async Task A_lab_whose_reset_fails_is_stopped_and_a_fresh_one_started()
    {
        var labs = new FakeLabs { ResetFails = true };
        var keeper = new LabKeeper<FakeLab>(labs, new Dictionary<string, int> { [Post] = 2 });

        var first = await keeper.TakeAsync(Post, alone: false);
        await keeper.GiveBackAsync(first);
        var second = await keeper.TakeAsync(Post, alone: false);

        Assert.That(second, Is.Not.SameAs(first));
        Assert.That(labs.Events, Is.EqualTo(new[] { "start post-2016.yml#1", "reset post-2016.yml#1", "stop post-2016.yml#1", "start post-2016.yml#2" }));
        Assert.That(labs.Said.Last(), Does.Contain("could not be reset (the g1 master did not come back)"));
    }

    // Catches: an idle lab of another inventory left running beside a fixture whose timed proofs need the machine.
    [Test]
    public async Task A_user_that_runs_alone_stops_every_other_idle_lab_and_still_reuses_its_own()
    {
        var labs = new FakeLabs();
        var keeper = new LabKeeper<FakeLab>(labs, new Dictionary<string, int> { [Post] = 2, [Auth] = 2 });
        var post = await keeper.TakeAsync(Post, alone: false);
        var auth = await keeper.TakeAsync(Auth, alone: false);
        await keeper.GiveBackAsync(post);
        await keeper.GiveBackAsync(auth);

        var alone = await keeper.TakeAsync(Post, alone: true);

        Assert.That(alone, Is.SameAs(post));
        Assert.That(labs.Events, Does.Contain("stop post-2016-auth.yml#2"));
        Assert.That(labs.Events, Does.Not.Contain("stop post-2016.yml#1"));
        Assert.That(keeper.IdleCount, Is.Zero);
    }

    // Catches: a reset still running when its lab stops (the end of the run waiting on Sentinel's timers), or an idle lab left.
    [Test]
    public async Task Stopping_the_idle_labs_cancels_their_resets_and_stops_them()
    {
        var labs = new FakeLabs { ResetHangs = true };
        var keeper = new LabKeeper<FakeLab>(labs, new Dictionary<string, int> { [Post] = 2 });
        await keeper.GiveBackAsync(await keeper.TakeAsync(Post, alone: false));

        await keeper.StopIdleAsync().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.That(labs.Events, Is.EqualTo(new[] { "start post-2016.yml#1", "reset post-2016.yml#1", "reset cancelled post-2016.yml#1", "stop post-2016.yml#1" }));
        Assert.That(keeper.IdleCount, Is.Zero);
    }

    internal sealed record FakeLab(string Inventory, int Number)
    {
        public override string ToString() => $"{Inventory}#{Number}";
    }

    /// <summary>Labs that start at once and record what was done to them.</summary>
    private sealed class FakeLabs : ILabSource<FakeLab>
    {
        private int _started;

        public bool ResetFails { get; init; }

        public bool ResetHangs { get; init; }

        public List<string> Events { get; } = [];

        public List<string> Said { get; } = [];

        public string InventoryOf(FakeLab lab) => lab.Inventory;

        public string Describe(FakeLab lab) => $"lab {lab}";

        public Task<FakeLab> StartAsync(string inventoryFile)
        {
            var lab = new FakeLab(inventoryFile, Interlocked.Increment(ref _started));
            Record($"start {lab}");
            return Task.FromResult(lab);
        }

        public async Task<IReadOnlyList<string>> ResetAsync(FakeLab lab, CancellationToken cancellationToken)
        {
            Record($"reset {lab}");
            if (ResetHangs)
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    Record($"reset cancelled {lab}");
                    throw;
                }
            }
            return ResetFails ? throw new InvalidOperationException("the g1 master did not come back") : ["failed g1 back"];
        }

        public Task StopAsync(FakeLab lab)
        {
            Record($"stop {lab}");
            return Task.CompletedTask;
        }

        public Task SayAsync(string line)
        {
            lock (Said)
            {
                Said.Add(line);
            }
            return Task.CompletedTask;
        }

        private void Record(string what)
        {
            lock (Events)
            {
                Events.Add(what);
            }
        }
    }
}
