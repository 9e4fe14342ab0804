using RedisHaLab.Harness;

namespace RedisHaLab.UnitTests.Harness;

/// <summary>A stopped lab's containers: waited for until gone, the ones still there after the bound removed by name.</summary>
public class LabContainersGoneTests
{
    private static readonly string[] Lab = ["lab1-node23-redis-4500", "lab1-node23-sentinel"];

    // Catches: a wait that returns while the lab's containers still exist (the next start of the same lab would find
    // their names taken), or one that removes them although they went by themselves within the bound.
    [Test]
    public async Task Waits_until_the_labs_containers_are_gone_and_removes_nothing()
    {
        var engine = new FakeContainers(goneAfterListings: 3, ("a", "/lab1-node23-redis-4500"), ("b", "/lab1-node23-sentinel"));

        var removed = await LabContainersGone.WaitAsync(engine, Lab, TimeSpan.FromMinutes(1), poll: TimeSpan.Zero);

        Assert.Multiple(() =>
        {
            Assert.That(removed, Is.Empty);
            Assert.That(engine.Listings, Is.EqualTo(3));
            Assert.That(engine.Removed, Is.Empty);
        });
    }

    // Catches: names compared with Docker's leading '/' (nothing would ever match: no wait, no removal), or a removal
    // of everything listed, another lab's or a user's container included.
    [Test]
    public async Task After_the_bound_removes_the_labs_containers_still_there_and_no_other()
    {
        var notes = new List<string>();
        var engine = new FakeContainers(goneAfterListings: int.MaxValue,
            ("a", "/lab1-node23-redis-4500"), ("c", "/lab2-node23-redis-4500"), ("d", "/node23-redis-4500"), ("b", "/lab1-node23-sentinel"));

        var removed = await LabContainersGone.WaitAsync(engine, Lab, TimeSpan.Zero, notes.Add, TimeSpan.Zero);

        Assert.Multiple(() =>
        {
            Assert.That(removed, Is.EqualTo(new[] { "lab1-node23-redis-4500", "lab1-node23-sentinel" }));
            Assert.That(engine.Removed, Is.EqualTo(new[] { "a", "b" }));
            Assert.That(notes, Is.EqualTo(new[]
            {
                "removing lab1-node23-redis-4500, still there 0 s after the stop", "removing lab1-node23-sentinel, still there 0 s after the stop",
            }));
        });
    }

    // Catches: a wait on every container listed, not the lab's only: a stop would wait out the bound beside any other lab.
    [Test]
    public async Task Other_containers_do_not_hold_the_wait()
    {
        var engine = new FakeContainers(goneAfterListings: int.MaxValue, ("c", "/lab2-node23-redis-4500"));

        var removed = await LabContainersGone.WaitAsync(engine, Lab, TimeSpan.FromMinutes(1), poll: TimeSpan.Zero);

        Assert.Multiple(() =>
        {
            Assert.That(removed, Is.Empty);
            Assert.That(engine.Listings, Is.EqualTo(1));
            Assert.That(engine.Removed, Is.Empty);
        });
    }

    /// <summary>An engine whose containers are listed as given until the <c>goneAfterListings</c>th listing, which finds none.</summary>
    private sealed class FakeContainers(int goneAfterListings, params (string Id, string Name)[] containers) : IContainerList
    {
        public int Listings { get; private set; }

        public List<string> Removed { get; } = [];

        public Task<IReadOnlyList<ListedContainer>> ListAsync(CancellationToken cancellationToken)
        {
            Listings++;
            IReadOnlyList<ListedContainer> listed = Listings >= goneAfterListings
                ? []
                : [.. containers.Where(c => !Removed.Contains(c.Id)).Select(c => new ListedContainer(c.Id, [c.Name]))];
            return Task.FromResult(listed);
        }

        public Task RemoveAsync(string id, CancellationToken cancellationToken)
        {
            Removed.Add(id);
            return Task.CompletedTask;
        }

        public Task<ContainerReport?> ReportAsync(string name, int lastLines, CancellationToken cancellationToken) =>
            Task.FromResult<ContainerReport?>(null);
    }
}
