using System.Diagnostics;
using RedisHaLab.Swarm;
using RedisHaLab.Topology;
using RedisHaLab.UnitTests.Topology;

namespace RedisHaLab.UnitTests.Swarm;

/// <summary>
/// A publish replaces only a folder a publish made, whole or not at all; the swarm.env it writes is read by
/// eng/swarm.sh as data (its 'check' action, bash only), so no name in it runs as a command.
/// </summary>
public class SwarmPublisherTests
{
    private static readonly StackImages Images = new(
        // Two stamped as the AppHost's publish stamps them (eng/swarm.sh builds again when a local image lacks the stamp).
        new("redis-ha-lab/redis:7.0", "redis", "0123456789abcdef"), new("redis-ha-lab/twemproxy:0.5.0", "twemproxy"),
        new("redis-ha-lab/reconfig:lab", "reconfig"), new("redis-ha-lab/haproxy:2.6", "haproxy", "fedcba9876543210"));

    private string _parent = "";

    [SetUp]
    public void CreateParent() => _parent = Directory.CreateTempSubdirectory("swarm-publisher-").FullName;

    [TearDown]
    public void DeleteParent() => Directory.Delete(_parent, recursive: true);

    private static Inventory Post => InventoryLoader.Load(InventoryFiles.PostPath);

    private static SwarmStack Stack(Inventory inventory, string stack = SwarmNames.DefaultStack) => new(inventory, Images, "#!/bin/sh\n", null, stack);

    private static void Publish(SwarmStack stack, string output) => SwarmPublisher.Write(stack, SwarmPublisher.CheckArguments("swarm", output, Post));

    // Catches: the staging folder derived from the output as given ('DIR/.publishing-N', inside DIR, deleted with it).
    [Test]
    public void An_output_with_a_trailing_slash_is_the_folder_and_a_second_publish_replaces_the_first()
    {
        var folder = Path.Combine(_parent, "stack");
        Publish(Stack(Post), folder + "/");
        File.WriteAllText(Path.Combine(folder, "files", "stale.conf"), "from before");

        Publish(Stack(Post, "second"), folder + "//");

        Assert.That(File.ReadAllText(Path.Combine(folder, SwarmStack.EnvironmentFileName)), Does.Contain("\nSTACK=second\n"));
        Assert.That(File.Exists(Path.Combine(folder, "files", "stale.conf")), Is.False);
        Assert.That(Directory.EnumerateFileSystemEntries(_parent).Select(Path.GetFileName), Is.EqualTo(new[] { "stack" }), "no staging folder left");
    }

    // Catches: a stack.yml taken as the mark of a publish (any folder holding one was deleted).
    [Test]
    public void A_folder_a_publish_did_not_make_is_left_alone_even_with_a_stack_yml()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_parent, "project")).FullName;
        File.WriteAllText(Path.Combine(folder, "stack.yml"), "mine");
        File.WriteAllText(Path.Combine(folder, "notes.md"), "mine");

        Assert.That(() => Publish(Stack(Post), folder), Throws.TypeOf<SwarmPublishException>()
            .With.Message.EqualTo($"--output {folder} is a folder with other things in it (no .redis-ha-lab-stack, the mark of a publish); give an empty or new folder, or one an earlier publish wrote"));
        Assert.That(Directory.EnumerateFileSystemEntries(folder), Has.Exactly(2).Items);
    }

    [Test]
    public void A_publish_made_before_the_mark_is_still_replaced()
    {
        var folder = Path.Combine(_parent, "old");
        Publish(Stack(Post), folder);
        File.Delete(Path.Combine(folder, SwarmStack.MarkerFileName));

        Assert.That(() => Publish(Stack(Post), folder), Throws.Nothing);
    }

    // Catches: the earlier publish deleted before the new one is complete.
    [Test]
    public void A_publish_that_fails_leaves_the_earlier_one_as_it_was()
    {
        var folder = Path.Combine(_parent, "stack");
        Publish(Stack(Post), folder);
        var before = File.ReadAllText(Path.Combine(folder, SwarmStack.StackFileName));

        // A file, then a folder of the same name: the second cannot be written.
        var failing = new List<StackFile> { new("files", "x"), new("files/a.conf", "y") };
        Assert.That(() => SwarmPublisher.Write(failing, folder), Throws.TypeOf<SwarmPublishException>()
            .With.Message.StartWith($"could not write the stack into {folder} (").And.Message.EndWith("); an earlier publish there is unchanged"));

        Assert.That(File.ReadAllText(Path.Combine(folder, SwarmStack.StackFileName)), Is.EqualTo(before));
        Assert.That(Directory.EnumerateFileSystemEntries(_parent).Select(Path.GetFileName), Is.EqualTo(new[] { "stack" }), "no staging folder left");
    }

    [Test]
    public void A_link_or_the_root_as_output_is_refused()
    {
        var target = Directory.CreateDirectory(Path.Combine(_parent, "target")).FullName;
        var link = Path.Combine(_parent, "link");
        Directory.CreateSymbolicLink(link, target);

        Assert.That(() => SwarmPublisher.CheckArguments("swarm", link, Post), Throws.TypeOf<SwarmPublishException>().With.Message.Contains($"is a link to {target}; give the folder itself"));
        Assert.That(() => SwarmPublisher.CheckArguments("swarm", "/", Post), Throws.TypeOf<SwarmPublishException>().With.Message.Contains("is the file system's root"));
    }

    [TestCase("Lab")]
    [TestCase("lab$(touch x)")]
    [TestCase("../../x")]
    public void A_stack_name_of_another_form_is_refused(string stack)
    {
        Assert.That(SwarmNames.StackProblem(stack), Does.StartWith($"--stack '{stack}' is not a stack name Swarm takes; use lower-case letters, digits, '-' and '_'"));
        Assert.That(() => Stack(Post, stack), Throws.TypeOf<SwarmPublishException>());
    }

    private static (int Exit, string Output, string Error) SwarmScript(string action, string folder)
    {
        var script = Path.Combine(TestContext.CurrentContext.TestDirectory, "eng", "swarm.sh");
        var start = new ProcessStartInfo("bash", [script, action, folder])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder,
        };
        // Where a deploy would record itself: inside the test's folder, never the user's home.
        start.Environment["REDIS_HA_LAB_HOME"] = Path.Combine(folder, "home");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.That(process.WaitForExit(TimeSpan.FromSeconds(20)), Is.True, "eng/swarm.sh returned");
        return (process.ExitCode, output.Result, error.Result);
    }

    [Test]
    public void The_script_reads_every_value_the_publisher_writes()
    {
        var folder = Path.Combine(_parent, "stack");
        var auth = InventoryLoader.Load(Path.Combine(TestContext.CurrentContext.TestDirectory, "inventories", "post-2016-auth.yml"));
        Publish(new SwarmStack(auth, Images.UnderPrefix("10.0.0.5:5000/lab"), "#!/bin/sh\n", "pw"), folder);

        var (exit, output, error) = SwarmScript("check", folder);

        Assert.That(error, Is.Empty);
        Assert.That(exit, Is.EqualTo(0));
        Assert.That(output, Does.Contain("STACK=redis-ha-lab\n").And.Contain("INVENTORY=post-2016-auth.yml\n").And.Contain("AUTHENTICATION=password\n")
            .And.Contain("NODE_LABELS=lab.node22 lab.node23 lab.node24\n")
            // Stamps survive --image-prefix, and the script takes both forms (with and without a stamp).
            .And.Contain("10.0.0.5:5000/lab/redis-ha-lab/redis:7.0=redis=0123456789abcdef 10.0.0.5:5000/lab/redis-ha-lab/twemproxy:0.5.0=twemproxy ")
            .And.Contain("FRONT_DOOR_IMAGE=10.0.0.5:5000/lab/redis-ha-lab/haproxy:2.6=haproxy=fedcba9876543210\n"));
    }

    // Catches: swarm.env sourced again (a file name in it ran as a command), or a value's form left unchecked.
    [TestCase("INVENTORY=post-2016.yml", "INVENTORY=lab$(touch pwned).yml", "INVENTORY has a value of another form")]
    [TestCase("STACK=redis-ha-lab", "STACK=x;touch pwned", "STACK has a value of another form")]
    [TestCase("STACK=redis-ha-lab", "STACK=../../pwned", "STACK has a value of another form")]
    [TestCase("AUTHENTICATION=none", "AUTHENTICATION=none\n$(touch pwned)", "not a KEY=value line")]
    [TestCase("AUTHENTICATION=none", "AUTHENTICATION=none\nPATH=/tmp", "unknown key 'PATH'")]
    [TestCase("AUTHENTICATION=none", "AUTHENTICATION=none\nAUTHENTICATION=password", "AUTHENTICATION is given twice")]
    [TestCase("AUTHENTICATION=none\n", "", "AUTHENTICATION is missing")]
    public void The_script_refuses_a_swarm_env_it_did_not_get_from_a_publish_and_runs_nothing_in_it(string original, string replacement, string message)
    {
        var folder = Path.Combine(_parent, "stack");
        Publish(Stack(Post), folder);
        var env = Path.Combine(folder, SwarmStack.EnvironmentFileName);
        var text = File.ReadAllText(env);
        Assert.That(text, Does.Contain(original), "test setup");
        File.WriteAllText(env, text.Replace(original, replacement));

        var (exit, _, error) = SwarmScript("check", folder);

        Assert.That(exit, Is.EqualTo(2));
        Assert.That(error, Does.Contain(message).And.Contain("publish the stack again"));
        Assert.That(Directory.EnumerateFiles(_parent, "pwned", SearchOption.AllDirectories), Is.Empty, "nothing ran");
        Assert.That(File.Exists(Path.Combine(folder, "pwned")), Is.False);
    }
}
