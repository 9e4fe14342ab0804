using RedisHaLab.Playbooks;



namespace RedisHaLab.UnitTests.Playbooks;

/// <summary>The AppHost's command line: only options it knows, each once (but --play), each with its value.</summary>
public class LabCommandLineTests
{
    // Every command line the README, docs/, the scripts and the tests give the AppHost.
    [TestCase]
    [TestCase("--inventory", "inventories/post-2016-auth.yml", "--play", "scenarios/a.yml", "--play=scenarios/b.yml", "--sample-app", "false")]
    [TestCase("--inventory", "inventories/post-2016.yml", "--publish", "swarm", "--output", ".lab/swarm/post-2016", "--stack", "lab", "--image-prefix", "10.0.0.5:5000/lab")]
    [TestCase("--publisher", "manifest", "--output-path", "/repo")]
    [TestCase("--inventory=inventories/three-shards.yml", "--dcp-cli-path", "/x/dcp", "--environment", "Development")]
    // The tests' and the benchmark's authenticated labs (LabFixture, LabSession).
    [TestCase("--inventory", "inventories/post-2016-auth.yml", "--sample-app", "false", "--Parameters:redis-password=s3cret-Pass")]
    public void A_command_line_of_known_options_passes(params string[] args)
    {
        Assert.That(LabCommandLine.Problems(args), Is.Empty);
    }

    // Catches: a parameter prefix that swallows anything (--Parameters: alone, or a parameter given twice).
    [Test]
    public void A_parameter_needs_a_name_and_a_value_once()
    {
        Assert.That(LabCommandLine.Problems(["--Parameters:", "x"]), Has.Some.StartWith("unknown option '--Parameters:'"));
        Assert.That(LabCommandLine.Problems(["--Parameters:redis-password"]), Is.EqualTo(new[] { "--Parameters:redis-password needs a value (--Parameters:redis-password=VALUE)" }));
        Assert.That(LabCommandLine.Problems(["--Parameters:p=a", "--Parameters:p=b"]), Has.Count.EqualTo(1));
    }

    // Catches: the check skipped or made lenient (the default lab started on a typo).
    [Test]
    public void An_unknown_option_is_refused_with_the_nearest_known_one_and_the_list()
    {
        var problems = LabCommandLine.Problems(["--inventroy", "inventories/three-shards.yml"]);

        Assert.That(problems, Has.Count.EqualTo(2));
        Assert.That(problems[0], Is.EqualTo("unknown option '--inventroy'; did you mean --inventory?"));
        Assert.That(problems[1], Does.StartWith("the options are: --inventory FILE, --play FILE (repeatable), --sample-app true|false, --lab-index N, --publish swarm, --output DIR, --stack NAME, --image-prefix REGISTRY[/PATH]; Aspire's parameters as --Parameters:NAME=VALUE; and Aspire's own: --operation"));
    }

    [Test]
    public void A_far_unknown_option_gets_no_guess()
    {
        Assert.That(LabCommandLine.Problems(["--frobnicate"])[0], Is.EqualTo("unknown option '--frobnicate'"));
    }

    // Catches: a repeated option taken silently (configuration keeps the last).
    [Test]
    public void A_repeated_option_is_refused_but_play_repeats()
    {
        Assert.That(LabCommandLine.Problems(["--inventory", "a.yml", "--inventory=b.yml"]),
            Is.EqualTo(new[] { "--inventory is given more than once; give it once (--inventory FILE)" }));
        Assert.That(LabCommandLine.Problems(["--output-path", "a", "--output-path", "b"]), Has.Count.EqualTo(1));
        Assert.That(LabCommandLine.Problems(["--play", "a.yml", "--play", "b.yml"]), Is.Empty);
    }

    [TestCase("--inventory")]
    [TestCase("--inventory=")]
    [TestCase("--inventory", "--play", "a.yml")]
    public void An_option_without_its_value_is_refused(params string[] args)
    {
        Assert.That(LabCommandLine.Problems(args), Is.EqualTo(new[] { "--inventory needs a value (--inventory FILE)" }));
    }

    [TestCase("inventories/post-2016.yml")]
    [TestCase("-inventory")]
    [TestCase("/inventory")]
    [TestCase("Inventory=x.yml")]
    [TestCase("--")]
    public void An_argument_that_is_no_option_is_refused(string arg)
    {
        Assert.That(LabCommandLine.Problems([arg]), Is.EqualTo(new[] { $"'{arg}' is not an option; write options as --name VALUE or --name=VALUE" }));
    }

    [Test]
    public void Option_names_are_exact_and_control_characters_are_shown_as_code_points()
    {
        Assert.That(LabCommandLine.Problems(["--Inventory", "x.yml"])[0], Is.EqualTo("unknown option '--Inventory'; did you mean --inventory?"));
        Assert.That(LabCommandLine.Problems(["--inv\u202eentory", "x.yml"])[0], Does.StartWith("unknown option '--inv\\u202eentory'"));
    }

    [Test]
    public void Every_problem_is_said_at_once()
    {
        var problems = LabCommandLine.Problems(["stray", "--sample-app", "--inventory", "a.yml", "--inventory", "b.yml"]);

        Assert.That(problems, Has.Count.EqualTo(3));
    }
}
