using RedisHaLab.Chaos;
using RedisHaLab.Topology;

namespace RedisHaLab.UnitTests.Chaos;

public class ScenarioLoaderTests
{
    public static IEnumerable<string> SuiteFiles() =>
        Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "scenarios"), "*.yml").Select(Path.GetFileName).Order()!;

    [TestCaseSource(nameof(SuiteFiles))]
    public void Every_scenario_of_the_suite_loads_and_fits_its_inventory(string file)
    {
        var scenario = ScenarioLoader.Load(Path.Combine(ScenarioFiles.Folder, file));
        var inventory = InventoryLoader.Load(Path.Combine(TestContext.CurrentContext.TestDirectory, "inventories", scenario.InventoryFile));

        Assert.DoesNotThrow(() => ScenarioValidator.Validate(scenario, inventory));
        Assert.That(scenario.Steps.OfType<StartLoadStep>(), Has.One.Items, "every scenario of the suite runs under a write load");
    }

    [Test]
    public void Every_kind_of_step_is_read_with_its_settings()
    {
        var scenario = ScenarioLoader.Parse(ScenarioFiles.EveryStep, "every.yml");

        Assert.That(scenario.Name, Is.EqualTo("every"));
        Assert.That(scenario.Steps.Select(s => s.Text), Is.EqualTo(new[]
        {
            "write_keys: 100",
            "start_load: { rate: 50 }",
            "kill: master of g1",
            "stop: the reconfig service",
            "start: the reconfig service",
            "pause: replica of g2",
            "resume: original replica of g2",
            "partition: sentinel on node23",
            "heal: a sentinel",
            "kill: node22",
            "stop: the proxy",
            "manual_failover: g2",
            "wait: 1500ms",
            "wait_for_failover: { shard: g1, timeout: 20s }",
            "wait_for_role: { target: original master of g1, role: replica, timeout: 30s }",
            "heal_all",
            "assert_keys_readable: { timeout: 30s }",
            "assert_writes_succeed: { timeout: 1m }",
            "assert_proxy_points_at_master: { shard: g2, timeout: 30s }",
            "assert_proxy_never_went_back: original master of g1",
            "stop_load",
        }));
        Assert.That(scenario.Steps[2], Is.EqualTo(new FaultStep(6, FaultKind.Kill, new FaultTarget.MasterOf("g1"))));
        Assert.That(scenario.Steps[14], Is.EqualTo(new WaitForRoleStep(18, new FaultTarget.OriginalMasterOf("g1"), RedisRole.Replica, TimeSpan.FromSeconds(30))));
        Assert.DoesNotThrow(() => ScenarioValidator.Validate(scenario, ScenarioFiles.PostLab));
    }

    [Test]
    public void A_misspelt_step_is_named_with_its_line_and_the_likely_fix()
    {
        var yaml = ScenarioFiles.EveryStepWith("- kill: master of g1", "- kil: master of g1");

        var error = Fails(yaml);

        Assert.That(error.Problems.Single().Line, Is.EqualTo(ScenarioFiles.LineOf(yaml, "kil: master")));
        Assert.That(error.Message, Does.StartWith("bad.yml:6: unknown step 'kil' (did you mean 'kill'?); use one of: write_keys,"));
    }

    [Test]
    public void A_target_that_is_no_role_lists_the_forms()
    {
        var yaml = ScenarioFiles.EveryStepWith("pause: replica of g2", "pause: the replica of g2");

        var error = Fails(yaml);

        Assert.That(error.Problems.Single().Line, Is.EqualTo(ScenarioFiles.LineOf(yaml, "the replica of g2")));
        Assert.That(error.Message, Does.Contain("'the replica of g2' is not a target; write one of: master of <shard>, replica of <shard>"));
    }

    [Test]
    public void A_step_with_two_names_is_asked_to_be_split()
    {
        var yaml = ScenarioFiles.EveryStepWith("  - heal_all", "  - heal_all:\n    stop_load:");

        var error = Fails(yaml);

        Assert.That(error.Message, Does.Contain("a step is one 'name: value' pair, this one has 2 (heal_all, stop_load); put each on its own '- ' line"));
        Assert.That(error.Problems.Single().Line, Is.EqualTo(ScenarioFiles.LineOf(yaml, "heal_all:")));
    }

    [Test]
    public void An_unknown_setting_of_a_step_lists_the_allowed_ones()
    {
        var yaml = ScenarioFiles.EveryStepWith("{ shard: g1, timeout: 20s }", "{ shard: g1, timout: 20s }");

        var error = Fails(yaml);

        Assert.That(error.Message, Does.Contain("unknown key 'timout' in wait_for_failover; allowed here: shard, timeout"));
        Assert.That(error.Problems.Single().Line, Is.EqualTo(ScenarioFiles.LineOf(yaml, "timout")));
    }

    [Test]
    public void A_missing_setting_gives_an_example()
    {
        var error = Fails(ScenarioFiles.EveryStepWith("{ shard: g1, timeout: 20s }", "{ timeout: 20s }"));

        Assert.That(error.Message, Does.Contain("wait_for_failover is missing 'shard'; write e.g. 'wait_for_failover: { shard: g1, timeout: 30s }'"));
    }

    [TestCase("wait: 1500ms", "wait: 1500", "wait '1500' is not a duration; write a number and a unit: 2500ms, 30s or 1.5m")]
    [TestCase("wait: 1500ms", "wait: 6m", "wait 6m is out of range; use more than 0 and at most 5m")]
    [TestCase("write_keys: 100", "write_keys: lots", "write_keys 'lots' must be a whole number from 1 to 100000")]
    [TestCase("{ rate: 50 }", "{ rate: 5000 }", "start_load rate '5000' must be a whole number from 1 to 2000")]
    [TestCase("role: replica", "role: slave", "role 'slave' is unknown; use 'master' or 'replica'")]
    [TestCase("- stop_load", "- stop_load: now", "stop_load takes no value; write just '- stop_load'")]
    [TestCase("- heal: a sentinel", "- heal:", "heal needs a target; write e.g. 'heal: master of g1'")]
    [TestCase("{ rate: 50 }", "50", "start_load takes its settings as a mapping, e.g. 'start_load: { rate: 200 }'")]
    public void A_bad_value_says_what_is_allowed(string original, string replacement, string expected)
    {
        var yaml = ScenarioFiles.EveryStepWith(original, replacement);

        var error = Fails(yaml);

        Assert.That(error.Message, Does.Contain(expected));
        Assert.That(error.Problems.Single().Line, Is.EqualTo(ScenarioFiles.LineOf(yaml, replacement)));
    }

    [Test]
    public void Missing_description_and_steps_are_both_reported()
    {
        var error = Fails("inventory: post-2016.yml\n");

        Assert.That(error.Problems.Select(p => p.Message), Is.EquivalentTo(new[]
        {
            "missing 'description'; say in a sentence what the scenario stages and what it expects",
            "missing 'steps'; list what to do, e.g. 'steps:' then '  - kill: master of g1'",
        }));
        Assert.That(error.Message, Does.StartWith("bad.yml has 2 problems:"));
    }

    [Test]
    public void An_unknown_top_level_key_lists_the_allowed_ones()
    {
        var error = Fails(ScenarioFiles.EveryStepWith("inventory: post-2016.yml", "inventroy: post-2016.yml"));

        Assert.That(error.Message, Does.Contain("bad.yml:2: unknown key 'inventroy' in the scenario; allowed here: description, inventory, steps"));
    }

    [Test]
    public void An_inventory_must_be_a_file_name()
    {
        var error = Fails(ScenarioFiles.EveryStepWith("inventory: post-2016.yml", "inventory: ../post-2016"));

        Assert.That(error.Message, Does.Contain("inventory '../post-2016' must be a file name under inventories/"));
    }

    [Test]
    public void A_yaml_syntax_error_names_its_line()
    {
        var yaml = ScenarioFiles.EveryStepWith("{ shard: g2 }", "{ shard: g2");

        var error = Fails(yaml);

        Assert.That(error.Problems.Single().Line, Is.InRange(ScenarioFiles.LineOf(yaml, "{ shard: g2"), ScenarioFiles.LineOf(yaml, "{ shard: g2") + 2));
        Assert.That(error.Message, Does.Contain("not valid YAML"));
    }

    [Test]
    public void Every_problem_is_reported_at_once()
    {
        var yaml = ScenarioFiles.EveryStepWith("write_keys: 100", "write_keys: 0").Replace("wait: 1500ms", "wait: soon");

        Assert.That(Fails(yaml).Problems, Has.Count.EqualTo(2));
    }

    [Test]
    public void An_empty_or_missing_file_is_explained()
    {
        Assert.That(Fails("").Message, Does.Contain("the file is empty"));
        var missing = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("/nonexistent/chaos.yml"))!;
        Assert.That(missing.Message, Does.StartWith("/nonexistent/chaos.yml:1: file not found"));
    }

    private static ScenarioException Fails(string yaml) =>
        Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(yaml, "bad.yml"))!;
}
