using RedisHaLab.Faults;
using RedisHaLab.Playbooks;

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

    [TestCase("kill")]
    [TestCase("pause")]
    [TestCase("partition")]
    public void The_reconfig_service_is_a_container_and_takes_every_fault(string fault)
    {
        var scenario = ScenarioLoader.Parse(ScenarioFiles.EveryStepWith("kill: node22", $"{fault}: the reconfig service"), "ok.yml");

        Assert.DoesNotThrow(() => ScenarioValidator.Validate(scenario, ScenarioFiles.PostLab));
    }

    [Test]
    public void A_forgery_never_undone_is_refused_with_the_step_that_undoes_it()
    {
        var yaml = ScenarioFiles.EveryStepWith("  - restore_master: g1\n", "");

        var error = Fails(yaml);

        Assert.That(error.Problems.Single().Line, Is.EqualTo(ScenarioFiles.LineOf(yaml, "forge_master")));
        Assert.That(error.Message, Does.Contain("the forged announcement of g1 is never undone; add '- restore_master: g1' within a few seconds after it"));
    }

    [Test]
    public void Undoing_another_shard_does_not_undo_the_forgery()
    {
        var yaml = ScenarioFiles.EveryStepWith("  - restore_master: g1", "  - restore_master: g2");

        var messages = Fails(yaml).Problems.Select(p => p.Message).ToList();

        Assert.That(messages, Has.Some.StartsWith("no forged announcement of g2 to undo"));
        Assert.That(messages, Has.Some.StartsWith("the forged announcement of g1 is never undone"));
    }

    [Test]
    public void A_restore_without_a_forgery_before_it_is_refused()
    {
        var yaml = ScenarioFiles.EveryStepWith("  - forge_master: { shard: g1, address: master of g2 }\n", "");

        var error = Fails(yaml);

        Assert.That(error.Problems.Single().Line, Is.EqualTo(ScenarioFiles.LineOf(yaml, "restore_master")));
        Assert.That(error.Message, Does.Contain("no forged announcement of g1 to undo; put '- forge_master: { shard: g1, address: master of <other shard> }' before it"));
    }

    [Test]
    public void A_forgery_believed_longer_than_the_window_is_refused()
    {
        // The default timeout of an assertion (30 s) is far past the 8 s after which a Sentinel starts converting instances.
        var yaml = ScenarioFiles.EveryStepWith("  - wait: 2s\n", "  - wait: 2s\n  - assert_proxy_points_at_master: { shard: g1 }\n");

        var error = Fails(yaml);

        Assert.That(error.Problems.Single().Line, Is.EqualTo(ScenarioFiles.LineOf(yaml, "forge_master")));
        Assert.That(error.Message, Does.Contain("the steps after this forge_master may take 32 s before '- restore_master: g1' on line 23"));
        Assert.That(error.Message, Does.Contain("keep them within 6 s, e.g. with 'timeout: 2s' on the assertions"));
    }

    [Test]
    public void A_forgery_undone_just_within_the_window_passes()
    {
        var yaml = ScenarioFiles.EveryStepWith("  - wait: 2s\n",
            "  - wait: 2s\n  - assert_keys_readable: { timeout: 2s }\n  - assert_proxy_points_at_master: { shard: g1, timeout: 2s }\n");

        Assert.DoesNotThrow(() => ScenarioValidator.Validate(ScenarioLoader.Parse(yaml, "ok.yml"), ScenarioFiles.PostLab));
    }

    [Test]
    public void A_step_whose_time_the_file_does_not_give_counts_its_own_bound_while_a_forgery_stands()
    {
        // write_keys: one batch within the proxy client's 2 s, then each of the two shards' replicas caught up within 15 s.
        var yaml = ScenarioFiles.EveryStepWith("  - wait: 2s\n", "  - write_keys: 7\n");

        var error = Fails(yaml);

        Assert.That(error.Problems.Single().Line, Is.EqualTo(ScenarioFiles.LineOf(yaml, "forge_master:")));
        Assert.That(error.Message, Does.Contain("the steps after this forge_master may take 32 s before '- restore_master: g1'"));
    }

    [Test]
    public void A_forged_address_must_be_one_redis_instance_of_the_inventory()
    {
        var messages = Fails(ScenarioFiles.EveryStepWith("address: master of g2", "address: node24")).Problems.Select(p => p.Message).ToList();
        Assert.That(messages, Has.Some.StartsWith("'node24' is not one Redis instance"));

        var error = Fails(ScenarioFiles.EveryStepWith("address: master of g2", "address: master of g9"));
        Assert.That(error.Message, Does.Contain("shard 'g9' is not in post-2016.yml"));
    }

    [Test]
    public void A_forged_shard_must_be_in_the_inventory()
    {
        var yaml = ScenarioFiles.EveryStepWith("{ shard: g1, address: master of g2 }", "{ shard: g7, address: master of g2 }")
            .Replace("restore_master: g1", "restore_master: g7");

        Assert.That(Fails(yaml).Problems.Select(p => p.Message), Has.Some.StartsWith("shard 'g7' is not in post-2016.yml"));
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

    [Test]
    public void A_playbook_that_checks_nothing_is_refused_at_its_first_step()
    {
        const string yaml = """
            description: kills every node and checks nothing
            steps:
              - kill: node22
              - kill: node23
              - kill: node24
            left_in_place:
              - kill: node22
              - kill: node23
              - kill: node24
            """;

        var error = Fails(yaml);

        Assert.That(error.Problems.Single().Line, Is.EqualTo(3));
        Assert.That(error.Message, Does.Contain("this playbook checks nothing, so it passes whatever happens; add an assertion"));
    }

    [Test]
    public void A_fault_standing_at_the_end_is_refused_unless_the_file_says_so()
    {
        const string steps = """
            description: a master killed and never started again
            steps:
              - kill: master of g1
              - pause: replica of g2
              - resume: replica of g2
              - wait_for_failover: { shard: g1 }

            """;

        var error = Fails(steps);

        Assert.That(error.Problems.Single().Line, Is.EqualTo(3));
        Assert.That(error.Message, Does.Contain("'kill: master of g1' is still in place when the playbook ends; undo it (e.g. '- start: master of g1') " +
                                                "or say so at the top of the file: 'left_in_place:' then '  - kill: master of g1'"));
        Assert.DoesNotThrow(() => ScenarioValidator.Validate(ScenarioLoader.Parse(steps + "left_in_place:\n  - kill: master of g1\n", "ok.yml"), ScenarioFiles.PostLab));
    }

    [Test]
    public void A_resolver_cut_is_a_standing_fault_a_heal_undoes()
    {
        const string steps = """
            description: a master killed while node22's resolver does not answer
            steps:
              - cut_resolver: node22
              - kill: master of g1
              - wait_for_failover: { shard: g1 }
              - start: original master of g1

            """;

        var error = Fails(steps);

        Assert.That(error.Message, Does.Contain("'cut_resolver: node22' is still in place when the playbook ends; undo it (e.g. '- heal: node22')"));
        Assert.DoesNotThrow(() => ScenarioValidator.Validate(ScenarioLoader.Parse(steps + "  - heal: node22\n", "ok.yml"), ScenarioFiles.PostLab));
        Assert.That((FaultKind.CutResolver.StepName(), FaultKinds.ByStepName["cut_resolver"], FaultKind.CutResolver.IsDisruptive()),
            Is.EqualTo(("cut_resolver", FaultKind.CutResolver, false)), "its step name; by itself it takes nothing away a client sees");
    }

    [Test]
    public void A_fault_listed_as_left_in_place_must_stand_at_the_end()
    {
        var yaml = ScenarioFiles.EveryStep + "\nleft_in_place:\n  - pause: master of g2\n";

        var error = Fails(yaml);

        Assert.That(error.Problems.Single().Line, Is.EqualTo(ScenarioFiles.LineOf(yaml, "  - pause: master of g2")));
        Assert.That(error.Message, Does.Contain("'pause: master of g2' is listed as left in place, but no such fault stands at the playbook's end"));
    }

    [Test]
    public void Only_faults_that_stand_can_be_listed_as_left_in_place()
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(ScenarioFiles.EveryStep + "\nleft_in_place:\n  - resume: master of g2\n", "bad.yml"))!;

        Assert.That(error.Message, Does.Contain("'resume: master of g2' is not a fault that stays in place"));
    }

    [TestCase("start", "kill or stop")]
    [TestCase("resume", "pause")]
    [TestCase("heal", "partition or isolate or cut_resolver")]
    public void An_undo_with_nothing_of_its_kind_standing_is_refused(string undo, string undoes)
    {
        var yaml = ScenarioFiles.EveryStepWith("  - heal_all\n", $"  - heal_all\n  - {undo}: master of g1\n");

        var error = Fails(yaml);

        Assert.That(error.Problems.Single().Line, Is.EqualTo(ScenarioFiles.LineOf(yaml, $"  - {undo}: master of g1")));
        Assert.That(error.Message, Does.Contain($"nothing this playbook did before is undone by '{undo}: master of g1' (it undoes {undoes} steps"));
    }

    [Test]
    public void An_undo_written_otherwise_than_its_fault_still_undoes_it()
    {
        // Which container it names is checked when it runs: it must be one the fault hit.
        var yaml = ScenarioFiles.EveryStepWith("  - heal_all\n", "  - heal_all\n  - pause: master of g1\n  - resume: original master of g1\n");

        Assert.DoesNotThrow(() => ScenarioValidator.Validate(ScenarioLoader.Parse(yaml, "ok.yml"), ScenarioFiles.PostLab));
    }

    [Test]
    public void A_stated_loss_needs_a_stopped_load_and_a_shard_of_the_lab()
    {
        var yaml = ScenarioFiles.EveryStepWith("  - heal_all\n", "  - heal_all\n  - assert_acknowledged_writes_lost: g1\n  - assert_acknowledged_writes_lost: g3\n");

        var messages = Fails(yaml).Problems.Select(p => p.Message).ToList();

        Assert.That(messages, Has.Exactly(2).StartsWith("no load has stopped yet, so there is nothing to count"));
        Assert.That(messages, Has.One.StartsWith("shard 'g3' is not in post-2016.yml"));
    }

    private static ScenarioException Fails(string yaml)
    {
        var scenario = ScenarioLoader.Parse(yaml, "bad.yml");
        return Assert.Throws<ScenarioException>(() => ScenarioValidator.Validate(scenario, ScenarioFiles.PostLab))!;
    }
}
