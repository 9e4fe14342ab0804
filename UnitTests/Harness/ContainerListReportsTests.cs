using RedisHaLab.Harness;

namespace RedisHaLab.UnitTests.Harness;

/// <summary>
/// A failure report asks the engine about each container (<see cref="ContainerListReports.ReportOrReasonAsync"/>): an
/// engine that fails or does not answer gives a reason, never an exception that would hide the failure being reported.
/// </summary>
public class ContainerListReportsTests
{
    private static readonly ContainerReport Exited = new("exited", 1, null, 2, false, ["boom"]);

    [Test]
    public async Task A_report_the_engine_gives_is_passed_on_and_a_missing_container_says_so()
    {
        var found = await new Engine(_ => Task.FromResult<ContainerReport?>(Exited)).ReportOrReasonAsync("lab1-node22-redis-4500", 5, TimeSpan.FromSeconds(5));
        Assert.That(found, Is.EqualTo(new ContainerReportOrReason(Exited, null)));
        Assert.That(found.ToString(), Is.EqualTo(Exited.ToString()));

        var missing = await new Engine(_ => Task.FromResult<ContainerReport?>(null)).ReportOrReasonAsync("lab1-gone", 5, TimeSpan.FromSeconds(5));
        Assert.That(missing.ToString(), Is.EqualTo("no such container"));
    }

    // Catches: an engine error escaping the report (the teardown's exception replacing the test's own failure).
    [Test]
    public async Task An_engine_that_fails_or_does_not_answer_in_time_gives_a_reason_instead_of_an_exception()
    {
        var broken = await new Engine(_ => throw new IOException("socket closed")).ReportOrReasonAsync("lab1-node22-redis-4500", 5, TimeSpan.FromSeconds(5));
        Assert.That(broken.ToString(), Is.EqualTo("the engine did not report it (socket closed)"));

        var silent = await new Engine(async token =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return null;
        }).ReportOrReasonAsync("lab1-node22-redis-4500", 5, TimeSpan.FromMilliseconds(50));
        Assert.That((silent.Report, silent.EngineProblem), Is.EqualTo(((ContainerReport?)null, "A task was canceled.")));
    }

    /// <summary>An engine whose report of any container is <c>report</c>.</summary>
    private sealed class Engine(Func<CancellationToken, Task<ContainerReport?>> report) : IContainerList
    {
        public Task<IReadOnlyList<ListedContainer>> ListAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<ListedContainer>>([]);

        public Task RemoveAsync(string id, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<ContainerReport?> ReportAsync(string name, int lastLines, CancellationToken cancellationToken) => report(cancellationToken);
    }
}
