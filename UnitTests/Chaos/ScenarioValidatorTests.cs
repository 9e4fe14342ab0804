using RedisHaLab.Chaos;

namespace RedisHaLab.UnitTests.Chaos;

public class ScenarioValidatorTests
{
    [Test]
    public void A_shard_the_inventory_lacks_is_named_with_the_ones_it_has()
    {
        var yaml = ScenarioFiles.EveryStepWith("kill: master of g1", "kill: master of g3");

        var error = Fails(yaml);

        Assert.That(error.Message, Does.StartWith("bad.yml:6: shard 'g3' is not in post-2016.yml; it has g1, g2"));
    }

    [Test]
    public void A_node_the_inventory_lacks_is_named_with_the_ones_it_has()
    {
        var error = Fails(ScenarioFiles.EveryStepWith("kill: node22", "kill: node99"));

        Assert.That(error.Message, Does.Contain("'node99' is neither a node of post-2016.yml (node22, node23, node24) nor another target"));
    }

    [Test]
    public void A_sentinel_on_a_node_without_one_is_refused()
    {
        var error = Fails(ScenarioFiles.EveryStepWith("sentinel on node23", "sentinel on node25"));

        Assert.That(error.Message, Does.Contain("no Sentinel runs on 'node25' in post-2016.yml; Sentinels run on node22, node23, node24"));
    }

    [Test]
    public void The_reconfig_service_can_only_be_stopped_and_started()
    {
        var error = Fails(ScenarioFiles.EveryStepWith("kill: node22", "kill: the reconfig service"));

        Assert.That(error.Message, Does.Contain("the reconfig service is a process on the host, not a container: it can be stopped and started, not killed"));
    }

    [Test]
    public void A_role_is_waited_for_on_one_redis_instance_only()
    {
        var error = Fails(ScenarioFiles.EveryStepWith("target: original master of g1, role", "target: node24, role"));

        Assert.That(error.Message, Does.Contain("'node24' is not one Redis instance"));
    }

    [Test]
    public void A_load_that_is_never_stopped_is_pointed_at()
    {
        var yaml = ScenarioFiles.EveryStepWith("  - stop_load", "");

        var error = Fails(yaml);

        Assert.That(error.Problems.Single().Line, Is.EqualTo(ScenarioFiles.LineOf(yaml, "start_load")));
        Assert.That(error.Message, Does.Contain("the load started here is never stopped; add '- stop_load' at the end"));
    }

    [Test]
    public void A_load_is_started_once_and_stopped_once()
    {
        var yaml = ScenarioFiles.EveryStepWith("  - heal_all\n", "  - start_load: { rate: 10 }\n  - stop_load\n  - stop_load\n");

        var error = Fails(yaml);

        Assert.That(error.Problems.Select(p => p.Message), Has.Some.StartsWith("the load is already running (started on line 5)"));
        Assert.That(error.Problems.Select(p => p.Message), Has.Some.StartsWith("stop_load without a running load"));
    }

    [Test]
    public void Keys_are_read_only_after_they_are_written()
    {
        var error = Fails(ScenarioFiles.EveryStepWith("  - write_keys: 100\n", ""));

        Assert.That(error.Message, Does.Contain("no keys to read yet; add '- write_keys: 1000' before it"));
    }

    private static ScenarioException Fails(string yaml)
    {
        var scenario = ScenarioLoader.Parse(yaml, "bad.yml");
        return Assert.Throws<ScenarioException>(() => ScenarioValidator.Validate(scenario, ScenarioFiles.PostLab))!;
    }
}
