using RedisHaLab.Faults;
using RedisHaLab.Playbooks;
using RedisHaLab.Topology;

namespace RedisHaLab.UnitTests.Chaos;

public class ScenarioLoaderTests
{
    // Subfolders included: the proxy tier's scenarios live in proxy-ha/.
    public static IEnumerable<string> SuiteFiles() =>
        Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "scenarios"), "*.yml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(AppContext.BaseDirectory, "scenarios"), f)).Order();

    [TestCaseSource(nameof(SuiteFiles))]
    public void Every_scenario_of_the_suite_loads_and_fits_its_inventory(string file)
    {
        var scenario = ScenarioLoader.Load(Path.Combine(ScenarioFiles.Folder, file));
        var inventory = InventoryLoader.Load(Path.Combine(TestContext.CurrentContext.TestDirectory, "inventories", scenario.InventoryFile));

        Assert.DoesNotThrow(() => ScenarioValidator.Validate(scenario, inventory));
        Assert.That(scenario.Steps.OfType<StartLoadStep>(), Is.Not.Empty, "every scenario of the suite runs under a write load");
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
            "forge_master: { shard: g1, address: master of g2 }",
            "wait: 2s",
            "restore_master: g1",
            "assert_keys_readable: { timeout: 30s }",
            "assert_writes_succeed: { timeout: 1m }",
            "assert_proxy_points_at_master: { shard: g2, timeout: 30s }",
            "assert_proxy_never_went_back: original master of g1",
            "stop_load",
        }));
        Assert.That(scenario.Steps[2], Is.EqualTo(new FaultStep(6, FaultKind.Kill, new FaultTarget.MasterOf("g1"))));
        Assert.That(scenario.Steps[14], Is.EqualTo(new WaitForRoleStep(18, new FaultTarget.OriginalMasterOf("g1"), RedisRole.Replica, TimeSpan.FromSeconds(30))));
        Assert.That(scenario.Steps[16], Is.EqualTo(new ForgeMasterStep(20, "g1", new FaultTarget.MasterOf("g2"))));
        Assert.That(scenario.Steps[18], Is.EqualTo(new RestoreMasterStep(22, "g1")));
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
    [TestCase("write_keys: 100", "write_keys: lots", "write_keys 'lots' is not a whole number")]
    [TestCase("{ rate: 50 }", "{ rate: 5000 }", "start_load rate '5000' is out of range; use 1-2000")]
    [TestCase("role: replica", "role: slave", "role 'slave' is unknown; use 'master' or 'replica'")]
    [TestCase("- stop_load", "- stop_load: now", "stop_load takes no value; write just '- stop_load'")]
    [TestCase("- heal: a sentinel", "- heal:", "heal needs a target; write e.g. 'heal: master of g1'")]
    [TestCase("{ shard: g1, address: master of g2 }", "{ shard: g1 }", "forge_master is missing 'address'; write e.g. 'forge_master: { shard: g1, address: master of g2 }'")]
    [TestCase("{ shard: g1, address: master of g2 }", "{ shard: g1, address: the master of g2 }", "'the master of g2' is not a target; write one of: master of <shard>")]
    [TestCase("forge_master: { shard: g1, address: master of g2 }", "forge_master: g1", "forge_master takes its settings as a mapping, e.g. 'forge_master: { shard: g1, address: master of g2 }'")]
    [TestCase("- restore_master: g1", "- restore_master", "restore_master needs a value; write e.g. 'restore_master: g1'")]
    [TestCase("- restore_master: g1", "- restore_master: [g1]", "restore_master must be a single value, not a list or a mapping")]
    [TestCase("{ rate: 50 }", "50", "start_load takes its settings as a mapping, e.g. 'start_load: { rate: 200 }'")]
    public void A_bad_value_says_what_is_allowed(string original, string replacement, string expected)
    {
        var yaml = ScenarioFiles.EveryStepWith(original, replacement);

        var error = Fails(yaml);

        Assert.That(error.Message, Does.Contain(expected));
        Assert.That(error.Problems.Single().Line, Is.EqualTo(ScenarioFiles.LineOf(yaml, replacement)));
    }

    [Test]
    public void A_misspelt_forgery_setting_is_named_and_the_missing_one_asked_for()
    {
        var yaml = ScenarioFiles.EveryStepWith("{ shard: g1, address: master of g2 }", "{ shard: g1, adress: master of g2 }");

        var error = Fails(yaml);

        Assert.That(error.Problems.Select(p => p.Message), Is.EquivalentTo(new[]
        {
            "unknown key 'adress' in forge_master; allowed here: shard, address",
            "forge_master is missing 'address'; write e.g. 'forge_master: { shard: g1, address: master of g2 }'",
        }));
        Assert.That(error.Problems.Select(p => p.Line).Distinct().Single(), Is.EqualTo(ScenarioFiles.LineOf(yaml, "adress")));
    }

    [Test]
    public void A_misspelt_forgery_step_is_pointed_at_its_name()
    {
        var error = Fails(ScenarioFiles.EveryStepWith("- restore_master: g1", "- restore_mastr: g1"));

        Assert.That(error.Message, Does.Contain("unknown step 'restore_mastr' (did you mean 'restore_master'?)"));
        Assert.That(error.Message, Does.Contain("forge_master, restore_master"), "the list of steps names the new ones");
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

    [Test]
    public void A_key_given_twice_is_refused_naming_both_lines()
    {
        var yaml = ScenarioFiles.EveryStepWith("inventory: post-2016.yml\n", "inventory: post-2016.yml\ndescription: again\n");

        var error = Fails(yaml);

        Assert.That(error.Message, Does.StartWith("bad.yml:3: 'description' is given twice at the top level (first on line 1); " +
                                                  "a key may appear once in a mapping: remove one of them"));
    }

    [Test]
    public void A_setting_given_twice_in_a_step_is_refused()
    {
        var yaml = ScenarioFiles.EveryStepWith("{ shard: g1, timeout: 20s }", "{ shard: g1, timeout: 20s, shard: g2 }");

        var error = Fails(yaml);

        Assert.That(error.Message, Does.StartWith($"bad.yml:{ScenarioFiles.LineOf(yaml, "shard: g2")}: 'shard' is given twice in steps[14].wait_for_failover " +
                                                  $"(first on line {ScenarioFiles.LineOf(yaml, "shard: g2")})"));
    }

    [TestCase("wait: 1500ms", "wait: 99999999999m", "wait 99999999999m is out of range; use more than 0 and at most 5m")]
    [TestCase("wait: 1500ms", "wait: 999999999999999999999999999999999999s", "wait 999999999999999999999999999999999999s is out of range; use more than 0 and at most 5m")]
    [TestCase("wait: 1500ms", "wait: 99999999999h", "wait '99999999999h' is not a duration; write a number and a unit: 2500ms, 30s or 1.5m")]
    [TestCase("{ shard: g1, timeout: 20s }", "{ shard: g1, timeout: 99999999999m }", "timeout 99999999999m is out of range; use more than 0 and at most 10m")]
    public void A_huge_duration_is_out_of_range_not_an_overflow(string original, string replacement, string expected)
    {
        var yaml = ScenarioFiles.EveryStepWith(original, replacement);

        var error = Fails(yaml);

        Assert.That(error.Message, Does.StartWith($"bad.yml:{ScenarioFiles.LineOf(yaml, replacement)}: {expected}"));
    }

    [TestCase(10_000, "")]
    [TestCase(100_000, "]")]
    public void Deeply_nested_brackets_are_refused_before_they_are_read(int depth, string closing)
    {
        // Closed, 100,000 of them overflowed the stack of YamlDotNet's recursive reader and killed the test host.
        var yaml = ScenarioFiles.EveryStepWith("- wait: 1500ms", $"- wait: {new string('[', depth)}{string.Concat(Enumerable.Repeat(closing, depth))}");

        var error = Fails(yaml);

        Assert.That(error.Message, Does.StartWith($"bad.yml:{ScenarioFiles.LineOf(yaml, "wait: [")}: more than 16 levels of nesting; a scenario needs at most 4"));
    }

    [Test]
    public void Anchors_and_aliases_are_refused()
    {
        var yaml = ScenarioFiles.EveryStepWith("- kill: master of g1", "- kill: &t master of g1").Replace("- kill: node22", "- kill: *t");

        var error = Fails(yaml);

        Assert.That(error.Message, Does.Contain($"bad.yml:{ScenarioFiles.LineOf(yaml, "&t")}: an anchor (&t) is not supported here; write the value out in full"));
        Assert.That(error.Message, Does.Contain($"bad.yml:{ScenarioFiles.LineOf(yaml, "*t")}: an alias (*t) is not supported here; write the value out in full"));
    }

    [TestCase("inventory: post-2016.yml", "inventory: \"post-2016.yml\\n\"", "inventory 'post-2016.yml\\n' holds a line break or another control character; write it on one line")]
    [TestCase("manual_failover: g2", "manual_failover: \"g2\\n\"", "manual_failover 'g2\\n' holds a line break or another control character; write it on one line")]
    [TestCase("manual_failover: g2", "manual_failover: |\n      g2", "manual_failover 'g2\\n' holds a line break or another control character; write it on one line")]
    [TestCase("{ shard: g1, timeout: 20s }", "{ shard: \"g1\\t\", timeout: 20s }", "shard 'g1\\t' holds a line break or another control character; write it on one line")]
    public void A_value_with_a_line_break_is_refused(string original, string replacement, string expected)
    {
        var yaml = ScenarioFiles.EveryStepWith(original, replacement);

        var error = Fails(yaml);

        Assert.That(error.Message, Does.StartWith($"bad.yml:{ScenarioFiles.LineOf(yaml, replacement.Split('\n')[0])}: {expected}"));
    }

    [Test]
    public void A_description_may_span_lines()
    {
        var scenario = ScenarioLoader.Parse(ScenarioFiles.EveryStepWith("description: every step once", "description: >\n  every step\n  once"), "ok.yml");

        Assert.That(scenario.Description, Is.EqualTo("every step once\n"));
    }

    [TestCase("  - heal_all", "  - ~", "a step needs a name")]
    [TestCase("  - heal_all\n", "  -\n", "a step needs a name")]
    [TestCase("{ shard: g1, timeout: 20s }", "{ shard: ~, timeout: 20s }", "shard is empty; give it a value")]
    [TestCase("  - kill: master of g1", "  - kill: [master of g1, ~]", "kill must be a single value, not a list or a mapping")]
    public void An_empty_item_is_named_with_its_line(string original, string replacement, string expected)
    {
        var yaml = ScenarioFiles.EveryStepWith(original, replacement);

        var error = Fails(yaml);

        Assert.That(error.Message, Does.StartWith($"bad.yml:{ScenarioFiles.LineOf(yaml, replacement)}: {expected}"));
    }

    [Test]
    public void A_second_document_is_refused()
    {
        var yaml = ScenarioFiles.EveryStep + "\n---\nsteps: [heal_all]\n";

        var error = Fails(yaml);

        Assert.That(error.Message, Does.StartWith($"bad.yml:{ScenarioFiles.LineOf(yaml, "---")}: a second YAML document starts here; a scenario is one document"));
    }

    // Catches: a file of the wrong shape reaching the step reader (a cast exception instead of the form to write).
    [TestCase("- kill: master of g1\n", 1, "a scenario is a mapping with 'description', 'inventory' (optional) and 'steps'")]
    [TestCase("description: x\nsteps: kill\n", 2, "'steps' must be a list with at least one step, each on a '- ' line")]
    [TestCase("description: x\nsteps:\n  - [kill, heal_all]\n", 3, "a step is 'name' or 'name: value', not a list")]
    public void A_file_of_the_wrong_shape_is_told_the_shape(string yaml, int line, string expected) =>
        Assert.That(Fails(yaml).Message, Does.StartWith($"bad.yml:{line}: {expected}").And.Not.Contain("   at "));

    private static ScenarioException Fails(string yaml) =>
        Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(yaml, "bad.yml"))!;
}
