using RedisHaLab.Faults;
using RedisHaLab.Playbooks;
using RedisHaLab.Topology;
using RedisHaLab.UnitTests.Chaos;

namespace RedisHaLab.UnitTests.Playbooks;

public class PlayCommandLineTests
{
    [Test]
    public void Every_play_option_is_taken_out_in_order_and_the_rest_is_left_for_Aspire()
    {
        var (files, rest) = PlayCommandLine.Split(
            ["--inventory", "inventories/post-2016-auth.yml", "--play", "scenarios/a.yml", "--sample-app", "false", "--play=scenarios/b.yml"], out var problem);

        Assert.That(problem, Is.Null);
        Assert.That(files, Is.EqualTo(new[] { "scenarios/a.yml", "scenarios/b.yml" }));
        Assert.That(rest, Is.EqualTo(new[] { "--inventory", "inventories/post-2016-auth.yml", "--sample-app", "false" }));
    }

    [TestCase("--play")]
    [TestCase("--play", "--inventory", "x.yml")]
    [TestCase("--play=")]
    public void A_play_option_without_a_file_is_a_problem(params string[] args)
    {
        PlayCommandLine.Split(args, out var problem);

        Assert.That(problem, Does.Contain("--play").And.Contain("names no file"));
    }

    [Test]
    public void Without_play_options_nothing_is_taken()
    {
        var (files, rest) = PlayCommandLine.Split(["--inventory", "a.yml"], out var problem);

        Assert.That(files, Is.Empty);
        Assert.That(problem, Is.Null);
        Assert.That(rest, Is.EqualTo(new[] { "--inventory", "a.yml" }));
    }

    [Test]
    public void The_suite_playbooks_of_the_post_lab_all_load_for_it()
    {
        var files = Directory.EnumerateFiles(ScenarioFiles.Folder, "*.yml").Order(StringComparer.Ordinal)
            .Where(f => ScenarioLoader.Load(f).InventoryFile == Scenario.DefaultInventory).ToList();

        var playbooks = PlayCommandLine.LoadAll(files, "/nowhere", ScenarioFiles.PostLab, out var problems);

        Assert.That(problems, Is.Empty);
        Assert.That(playbooks.Select(p => p.Name), Is.EqualTo(files.Select(Path.GetFileNameWithoutExtension)));
    }

    [Test]
    public void Every_bad_file_is_reported_with_its_line_and_no_playbook_is_returned()
    {
        var folder = Directory.CreateTempSubdirectory("playbooks-").FullName;
        try
        {
            var good = Path.Combine(folder, "good.yml");
            File.WriteAllText(good, ScenarioFiles.EveryStep);
            var badStep = Path.Combine(folder, "bad-step.yml");
            File.WriteAllText(badStep, ScenarioFiles.EveryStepWith("  - kill: master of g1", "  - kill: master of g9"));
            var otherLab = Path.Combine(folder, "other-lab.yml");
            File.WriteAllText(otherLab, ScenarioFiles.EveryStepWith("inventory: post-2016.yml", "inventory: three-shards.yml"));

            var playbooks = PlayCommandLine.LoadAll([good, badStep, otherLab, Path.Combine(folder, "missing.yml")], folder, ScenarioFiles.PostLab, out var problems);

            Assert.That(playbooks, Is.Empty, "nothing runs while any file is wrong");
            Assert.That(problems, Has.Count.EqualTo(3));
            Assert.That(problems[0], Does.StartWith($"{badStep}:{ScenarioFiles.LineOf(ScenarioFiles.EveryStep, "  - kill: master of g1")}:").And.Contain("g9"));
            Assert.That(problems[1], Does.StartWith($"{otherLab}:2:").And.Contain("--inventory inventories/three-shards.yml"));
            Assert.That(problems[2], Does.StartWith($"{Path.Combine(folder, "missing.yml")}:1: file not found"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void A_relative_file_is_found_in_the_current_folder_first_then_under_the_repository()
    {
        Assert.That(PlayCommandLine.Resolve("scenarios/x.yml", "/repo"), Is.EqualTo("/repo/scenarios/x.yml"));
        Assert.That(PlayCommandLine.Resolve("/abs/x.yml", "/repo"), Is.EqualTo("/abs/x.yml"));
    }
}

public class PlayExitCodesTests
{
    private static PlaybookResult Result(string name, string? failure) =>
        new(name, $"scenarios/{name}.yml", "d", TimeSpan.FromSeconds(1),
            [new StepResult(3, "wait: 1s", TimeSpan.FromSeconds(1), failure is null ? StepOutcome.Passed : StepOutcome.Failed, "")], [], [], [], failure);

    [Test]
    public void Zero_when_every_playbook_passed()
    {
        Assert.That(PlayExitCodes.For([Result("a", null), Result("b", null)]), Is.EqualTo(0));
    }

    [Test]
    public void One_when_any_playbook_failed()
    {
        Assert.That(PlayExitCodes.For([Result("a", null), Result("b", "scenarios/b.yml:3: 'wait: 1s' failed: x")]), Is.EqualTo(1));
    }

    [Test]
    public void One_when_no_playbook_ran()
    {
        Assert.That(PlayExitCodes.For([]), Is.EqualTo(1));
    }

    [Test]
    public void Bad_input_is_two()
    {
        Assert.That(PlayExitCodes.BadInput, Is.EqualTo(2));
    }

    [Test]
    public void The_report_names_the_failed_playbook_and_its_line()
    {
        var results = new[] { Result("a", null), Result("b", "scenarios/b.yml:3: 'wait: 1s' failed: x") };

        Assert.That(PlaybookReport.Table(results), Does.Contain("| a | passed |").And.Contain("| b | failed at line 3 |"));
        Assert.That(PlaybookReport.JsonText("post-2016.yml", results), Does.Contain("\"passed\": false").And.Contain("\"outcome\": \"failed\""));
    }
}

public class KetamaRingTests
{
    // FNV-1a's published 64-bit values; nutcracker keeps their low 32 bits (its arithmetic is 32-bit, which gives the same).
    [TestCase("", 0x84222325u)]
    [TestCase("a", 0x8601ec8cu)]
    [TestCase("foobar", 0xf73967e8u)]
    public void Fnv1a_64_is_the_published_hash_cut_to_32_bits(string key, uint expected)
    {
        Assert.That(KetamaRing.Fnv1a64(key), Is.EqualTo(expected));
    }

    [Test]
    public void Two_equal_servers_share_keys_about_evenly()
    {
        var ring = new KetamaRing(["g1", "g2"]);

        var onFirst = Enumerable.Range(0, 10_000).Count(i => ring.ServerOf($"load:x:{i}:{i * 7919}") == 0);

        Assert.That(onFirst, Is.InRange(3_500, 6_500));
    }

    [Test]
    public void A_ring_of_one_server_sends_everything_there()
    {
        var ring = new KetamaRing(["g1"]);

        Assert.That(Enumerable.Range(0, 100).Select(i => ring.ServerOf($"k{i}")).Distinct(), Is.EqualTo(new[] { 0 }));
    }

    [Test]
    public void The_ring_follows_the_server_names_not_their_order_of_keys()
    {
        var byShard = new KetamaRing(["g1", "g2"]);
        var byAddress = new KetamaRing(["node22-redis-4500:4500", "node22-redis-4501:4501"]);

        var differ = Enumerable.Range(0, 1000).Count(i => byShard.ServerOf($"k{i}") != byAddress.ServerOf($"k{i}"));

        Assert.That(differ, Is.GreaterThan(100), "ketama places keys by server name");
    }

    [Test]
    public void A_shard_lane_gets_only_keys_of_its_shard()
    {
        var ring = new KetamaRing(["g1", "g2"]);
        var keys = new ShardKeys(ring, 1, "load:t:g2");

        var names = Enumerable.Range(0, 200).Select(_ => keys.Next()).ToList();

        Assert.That(names.Select(ring.ServerOf).Distinct(), Is.EqualTo(new[] { 1 }));
        Assert.That(names.Distinct().Count(), Is.EqualTo(200), "every key new");
    }
}

public class SwitchoverStepTests
{
    private const string Playbook = """
        description: switchovers
        steps:
          - start_load: { rate: 50 }
          - switchover: g1
          - stop_load
          - assert_no_acknowledged_write_lost
        """;

    [Test]
    public void A_switchover_and_the_loss_assertion_are_read_and_fit_the_post_lab()
    {
        var playbook = ScenarioLoader.Parse(Playbook, "s.yml");

        Assert.That(playbook.Steps.Select(s => s.Text), Is.EqualTo(new[] { "start_load: { rate: 50 }", "switchover: g1", "stop_load", "assert_no_acknowledged_write_lost" }));
        Assert.That(playbook.Steps[1], Is.EqualTo(new SwitchoverStep(4, "g1")));
        Assert.DoesNotThrow(() => ScenarioValidator.Validate(playbook, ScenarioFiles.PostLab));
    }

    [Test]
    public void A_switchover_of_an_unknown_shard_is_refused_with_its_line()
    {
        var playbook = ScenarioLoader.Parse(Playbook.Replace("switchover: g1", "switchover: g7"), "s.yml");

        var e = Assert.Throws<ScenarioException>(() => ScenarioValidator.Validate(playbook, ScenarioFiles.PostLab));
        Assert.That(e!.Message, Does.StartWith("s.yml:4:").And.Contain("g7"));
    }

    [Test]
    public void The_loss_assertion_needs_a_stopped_load_before_it()
    {
        var playbook = ScenarioLoader.Parse(Playbook.Replace("  - stop_load\n  - assert_no_acknowledged_write_lost", "  - assert_no_acknowledged_write_lost\n  - stop_load"), "s.yml");

        var e = Assert.Throws<ScenarioException>(() => ScenarioValidator.Validate(playbook, ScenarioFiles.PostLab));
        Assert.That(e!.Message, Does.StartWith("s.yml:5:").And.Contain("put it after a '- stop_load'"));
    }

    [Test]
    public void Switchover_pauses_are_summarised_as_p50_and_max()
    {
        var node = ScenarioFiles.PostLab.RedisInstances.First();
        var outcomes = new[] { 300, 100, 200 }.Select(ms => new SwitchoverOutcome("g1", node, node, TimeSpan.FromMilliseconds(ms), TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero)).ToList();

        Assert.That(PlaybookReport.SwitchoverSummary(outcomes), Is.EqualTo("3 switchover(s): writes paused p50 200 ms, max 300 ms"));
    }
}
