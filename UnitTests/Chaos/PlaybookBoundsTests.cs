using RedisHaLab.Faults;
using RedisHaLab.Playbooks;
using RedisHaLab.Topology;

namespace RedisHaLab.UnitTests.Chaos;

/// <summary>
/// Issue 21, part 5: a playbook's numbers and text read as written, every step's worst-case time counted against its
/// windows and the 10-minute bound, and steps that cannot work on the inventory refused before the lab starts.
/// </summary>
public class PlaybookBoundsTests
{
    private const string Playbook = """
        description: bounds
        steps:
          - write_keys: 100
          - start_load: { rate: 50 }
          - isolate: master of g1
          - wait: 5s
          - heal: master of g1
          - assert_keys_readable
          - stop_load
        """;

    [TestCase("wait: 5s", "wait: \u0665s", "wait '\u0665s' is not a duration")]
    [TestCase("wait: 5s", "wait: \u0967\u0966s", "wait '\u0967\u0966s' is not a duration")]
    [TestCase("write_keys: 100", "write_keys: \u0661\u0660\u0660", "write_keys '\u0661\u0660\u0660' holds the digit U+0661")]
    [TestCase("write_keys: 100", "write_keys: 0100", "write_keys '0100' starts with 0, which YAML 1.1 reads as octal (0100 is 64)")]
    [TestCase("write_keys: 100", "write_keys: 1e2", "write_keys '1e2' has a fraction or an exponent")]
    [TestCase("write_keys: 100", "write_keys: 1_000", "write_keys '1_000' has '_' between its digits")]
    [TestCase("{ rate: 50 }", "{ rate: 0x32 }", "start_load rate '0x32' is written in hexadecimal")]
    public void Numbers_and_durations_in_other_forms_are_refused_not_crashed_on(string original, string replacement, string message)
    {
        var yaml = With(original, replacement);

        var error = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(yaml, "bad.yml"))!;

        Assert.That(error.Message, Does.StartWith($"bad.yml:{ScenarioFiles.LineOf(yaml, replacement)}: {message}"));
    }

    [TestCase('\u202E')]
    [TestCase('\u2067')]
    [TestCase('\u200D')]
    public void A_bidirectional_or_format_character_is_refused_at_its_line(char character)
    {
        var yaml = With("  - heal: master of g1", $"  - heal: master of g1 # {character}ok");

        var error = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(yaml, "bad.yml"))!;

        Assert.That(error.Message, Does.StartWith($"bad.yml:{ScenarioFiles.LineOf(yaml, "heal: master")}: this line holds U+{(int)character:X4}"));
    }

    [Test]
    public void More_steps_than_a_playbook_holds_are_refused_before_any_is_read()
    {
        var yaml = With("  - heal: master of g1\n", "  - heal: master of g1\n" + string.Concat(Enumerable.Repeat("  - kill: master of g1\n", 100_000)));

        var error = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(yaml, "bad.yml"))!;

        Assert.That(error.Problems.Single().Message, Does.StartWith($"100007 steps is more than a playbook holds: at most {ScenarioLoader.MaxSteps}"));
    }

    [Test]
    public void Every_step_and_every_fault_takes_some_time()
    {
        var steps = ScenarioLoader.Parse(ScenarioFiles.EveryStep, "every.yml").Steps
            .Concat(Enum.GetValues<FaultKind>().Select(k => new FaultStep(1, k, new FaultTarget.Node("node22"))));

        Assert.Multiple(() =>
        {
            foreach (var step in steps)
            {
                Assert.That(StepBudget.WorstCase(step, ScenarioFiles.PostLab), Is.GreaterThan(TimeSpan.Zero), step.Text);
            }
        });
    }

    [Test]
    public void A_fault_step_counts_towards_a_forged_announcements_window()
    {
        // A restart may take a kill's 5 s, a Docker request and a start's 15 s: far past the 6 s a forgery may stand.
        var yaml = ScenarioFiles.EveryStepWith("  - wait: 2s\n", "  - restart: replica of g2\n");

        var error = Fails(yaml);

        Assert.That(error.Problems.Single().Line, Is.EqualTo(ScenarioFiles.LineOf(yaml, "forge_master:")));
        Assert.That(error.Message, Does.Contain("the steps after this forge_master may take 22 s"));
    }

    [Test]
    public void A_playbook_that_may_take_longer_than_ten_minutes_is_refused()
    {
        // write_keys 32 s, start_load 12 s, isolate 6 s, 10 minutes of waits, heal 2 s, the assertion's default 30 s,
        // stop_load 12 s and the load's count at the end 60 s: 754 s.
        var yaml = With("  - wait: 5s\n", "  - wait: 5m\n  - wait: 5m\n");

        var error = Fails(yaml);

        Assert.That(error.Problems.Single().Line, Is.EqualTo(ScenarioFiles.LineOf(yaml, "write_keys")));
        Assert.That(error.Message, Does.Contain("the steps may take 12.6 minutes in the worst case").And.Contain("more than a playbook's 10"));
    }

    [Test]
    public void A_playbook_within_ten_minutes_at_its_worst_passes()
    {
        var yaml = With("  - wait: 5s\n", "  - wait: 5m\n  - wait: 2m\n");

        Assert.DoesNotThrow(() => ScenarioValidator.Validate(ScenarioLoader.Parse(yaml, "ok.yml"), ScenarioFiles.PostLab));
    }

    [Test]
    public void Isolating_an_instance_that_stands_isolated_is_refused()
    {
        var yaml = With("  - wait: 5s\n", "  - isolate: master of g1\n  - heal: master of g1\n");

        var error = Fails(yaml);

        Assert.That(error.Problems.Single().Line, Is.EqualTo(ScenarioFiles.LineOf(yaml, "isolate: master of g1\n  - heal")));
        Assert.That(error.Message, Does.Contain($"'isolate: master of g1' isolates what line {ScenarioFiles.LineOf(yaml, "isolate: master of g1")} isolated, which still stands"));
    }

    [Test]
    public void Cutting_a_node_off_from_the_machines_resolver_twice_is_refused_and_a_heal_in_between_passes()
    {
        var yaml = With("  - assert_keys_readable\n", "  - cut_resolver: node22\n  - cut_resolver: node22\n  - heal: node22\n  - heal: node22\n  - assert_keys_readable\n");

        var error = Fails(yaml);

        Assert.That(error.Problems.Select(p => p.Line), Is.EqualTo(new[] { ScenarioFiles.LineOf(yaml, "cut_resolver: node22\n  - heal") }), error.Message);
        Assert.That(error.Problems.Single().Line, Is.EqualTo(ScenarioFiles.LineOf(yaml, "cut_resolver: node22\n  - heal")));
        Assert.That(error.Message, Does.Contain($"'cut_resolver: node22' cuts off what line {ScenarioFiles.LineOf(yaml, "cut_resolver: node22")} cut off from the machine's resolver, which still stands"));
        Assert.DoesNotThrow(() => ScenarioValidator.Validate(ScenarioLoader.Parse(
            With("  - assert_keys_readable\n", "  - cut_resolver: node22\n  - heal: node22\n  - cut_resolver: node22\n  - heal: node22\n  - assert_keys_readable\n"), "ok.yml"), ScenarioFiles.PostLab));
    }

    [Test]
    public void Isolating_an_instance_again_after_healing_it_passes()
    {
        var yaml = With("  - assert_keys_readable\n", "  - isolate: master of g1\n  - heal: master of g1\n  - assert_keys_readable\n");

        Assert.DoesNotThrow(() => ScenarioValidator.Validate(ScenarioLoader.Parse(yaml, "ok.yml"), ScenarioFiles.PostLab));
    }

    [TestCase("distribution: ketama", "distribution: modula", "modula")]
    [TestCase("hash: fnv1a_64", "hash: murmur", "murmur")]
    public void A_load_on_a_proxy_whose_placement_it_does_not_know_is_refused(string original, string replacement, string named)
    {
        var inventory = InventoryLoader.Parse(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "inventories", "post-2016.yml"))
            .Replace(original, replacement, StringComparison.Ordinal), "other.yml");
        var scenario = ScenarioLoader.Parse(Playbook, "bad.yml");

        var error = Assert.Throws<ScenarioException>(() => ScenarioValidator.Validate(scenario, inventory))!;

        Assert.That(error.Problems.Single().Line, Is.EqualTo(ScenarioFiles.LineOf(Playbook, "start_load")));
        Assert.That(error.Message, Does.Contain("the load places each key on its shard by twemproxy's fnv1a_64 hash and ketama distribution").And.Contain(named));
    }

    [Test]
    public void The_template_itself_passes()
    {
        Assert.DoesNotThrow(() => ScenarioValidator.Validate(ScenarioLoader.Parse(Playbook, "ok.yml"), ScenarioFiles.PostLab));
    }

    private static string With(string original, string replacement)
    {
        Assert.That(Playbook, Does.Contain(original), "test setup: the template changed");
        return Playbook.Replace(original, replacement, StringComparison.Ordinal);
    }

    private static ScenarioException Fails(string yaml)
    {
        var scenario = ScenarioLoader.Parse(yaml, "bad.yml");
        return Assert.Throws<ScenarioException>(() => ScenarioValidator.Validate(scenario, ScenarioFiles.PostLab))!;
    }
}
