using RedisHaLab.Harness;

namespace RedisHaLab.UnitTests.Harness;

public class LabRunTests
{
    // Catches: a timed-out start that says only "canceled": which container kept the lab from being protected is what
    // the reader needs (a proxy that never serves, a Sentinel that never sees its peers).
    [Test]
    public void A_start_that_timed_out_says_its_bound_and_what_was_not_healthy_yet()
    {
        Assert.Multiple(() =>
        {
            Assert.That(LabRun.NotProtected(TimeSpan.FromMinutes(8), ["node23-redis-4500", "twemproxy-reconfig"]),
                Is.EqualTo("the lab was not healthy within 8 minutes; not healthy yet: node23-redis-4500, twemproxy-reconfig"));
            Assert.That(LabRun.NotProtected(TimeSpan.FromSeconds(90), ["node23-sentinel"]),
                Is.EqualTo("the lab was not healthy within 90 s; not healthy yet: node23-sentinel"));
        });
    }

    // Catches: a part that did not start reported as Aspire's bare "failed to start" (the CI log then names no cause), or
    // a report that drops the exit code, the engine's error or the container's own last words.
    [Test]
    public void A_part_that_did_not_start_is_described_by_Aspire_s_state_and_the_engine_s_report()
    {
        var exited = new ContainerReport("restarting", 1, null, 2, false, ["*** FATAL CONFIG FILE ERROR ***", ">>> 'sentinel monitor'"]);
        var refused = new ContainerReport("created", 128, "driver failed programming external connectivity", 0, false, []);
        Assert.Multiple(() =>
        {
            Assert.That(LabStartException.Describe("Exited", 1, exited), Is.EqualTo(
                "Aspire's state 'Exited' (exit code 1); engine: restarting, exit code 1, restarted 2 times; " +
                "last output: *** FATAL CONFIG FILE ERROR *** | >>> 'sentinel monitor'"));
            Assert.That(LabStartException.Describe("FailedToStart", null, refused), Is.EqualTo(
                "Aspire's state 'FailedToStart'; engine: created, exit code 128, error 'driver failed programming external connectivity'; no output"));
            Assert.That(LabStartException.Describe(null, null, null),
                Is.EqualTo("Aspire has no state for it; the engine has no container of that name"));
            Assert.That(LabStartException.Describe("Exited", 137, null, engineProblem: "connection refused"),
                Is.EqualTo("Aspire's state 'Exited' (exit code 137); the engine could not be asked: connection refused"));
            Assert.That(new LabStartException("lab1-node22-sentinel", "why").Message, Is.EqualTo("lab1-node22-sentinel did not start: why"));
            Assert.That(new ContainerReport("running", 0, "", 0, true, ["ready"]).ToString(),
                Is.EqualTo("engine: running, killed out of memory; last output: ready"));
        });
    }

    // Catches: a start given up on RuntimeUnhealthy, which Aspire's orchestrator reports while its check of the container
    // runtime fails under load and then leaves by itself (a CI run failed on it, naming a Sentinel not created yet); or a
    // part that failed or ended waited for until the 8-minute bound instead of reported at once.
    [TestCase("FailedToStart", true)]
    [TestCase("Exited", true)]
    [TestCase("Finished", true)]
    [TestCase("RuntimeUnhealthy", false)]
    [TestCase("Starting", false)]
    [TestCase("Waiting", false)]
    [TestCase("Running", false)]
    [TestCase(null, false)]
    public void Only_a_part_that_failed_or_ended_stops_the_start(string? state, bool stops)
    {
        Assert.That(LabRun.StopsTheStart(state), Is.EqualTo(stops));
    }
}
