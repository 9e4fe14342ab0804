using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using RedisHaLab.Playbooks;
using RedisHaLab.Topology;

namespace RedisHaLab.IntegrationTests;

/// <summary>
/// <c>dotnet run --project AppHost -- --play ...</c> as a person runs it: a real process, its exit code, its report.
/// One lab start for both playbooks (a short one that holds, then one whose assertion cannot hold), so it stays cheap;
/// the exit-code logic itself is unit-tested (UnitTests/Playbooks).
/// </summary>
[TestFixture]
public class PlayCommandTests
{
    private static readonly TimeSpan RunWithin = TimeSpan.FromMinutes(12);

    private const string Holds = """
        description: A short playbook that holds, under a write load.
        steps:
          - write_keys: 200
          - start_load: { rate: 100 }
          - wait: 2s
          - assert_proxy_points_at_master: { shard: g1 }
          - assert_writes_succeed
          - stop_load
        """;

    // The only proxy stopped (docker stop returns once it has exited), so no key is readable through the front door
    // whatever the timing, and nothing in the lab starts it again. Killing both instances of g1 was not enough: once in
    // a CI run the keys still read back right after both kills (see the closing note of issue 11); this playbook
    // tests the exit code, not the kill.
    private const string CannotHold = """
        description: An assertion that cannot hold, to see the exit code say so.
        steps:
          - write_keys: 100
          - stop: the proxy
          - kill: master of g1
          - assert_keys_readable: { timeout: 1s }
          - wait: 1s
        left_in_place:
          - stop: the proxy
          - kill: master of g1
        """;

    [Test]
    public async Task A_failed_assertion_exits_1_naming_the_playbook_and_step_after_the_others_ran_and_the_lab_stopped()
    {
        var folder = Directory.CreateTempSubdirectory("play-").FullName;
        var holds = Path.Combine(folder, "short-that-holds.yml");
        var cannotHold = Path.Combine(folder, "cannot-hold.yml");
        await File.WriteAllTextAsync(holds, Holds);
        await File.WriteAllTextAsync(cannotHold, CannotHold);
        var before = DateTime.UtcNow.AddSeconds(-1);
        try
        {
            // Beside the other fixtures' labs, on an index of its own, as a user runs a second lab by hand.
            var labIndex = LabIndexes.Take();
            int exit;
            string stdout, stderr;
            try
            {
                (exit, stdout, stderr) = await LabIndexes.FirstStart.RunAsync(() =>
                    PlayAsync(["--play", holds, "--play", cannotHold, "--lab-index", labIndex.ToString(CultureInfo.InvariantCulture)], RunWithin));
            }
            finally
            {
                LabIndexes.Return(labIndex);
            }

            TestContext.Out.WriteLine(stdout);
            TestContext.Out.WriteLine(stderr);
            // The CI log shows only this message: it carries what the run printed.
            Assert.That(exit, Is.EqualTo(1), $"exit code; the run printed:\n{Tail(stdout)}\n{Tail(stderr)}");
            Assert.That(stderr, Does.Contain($"playbook cannot-hold failed: {cannotHold}:6: 'assert_keys_readable: {{ timeout: 1s }}' failed"));

            var run = Directory.EnumerateDirectories(Path.Combine(Repository.Root, LabStateLayout.LabsFolder, LabStateLayout.PlaybooksFolder))
                .Where(d => Directory.GetCreationTimeUtc(d) >= before).Order(StringComparer.Ordinal).LastOrDefault();
            Assert.That(run, Is.Not.Null, "a report folder under .lab/playbooks/");
            Assert.That(File.Exists(Path.Combine(run!, "report.md")), Is.True, "report.md");
            using var result = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(run!, "result.json")));
            var playbooks = result.RootElement.GetProperty("playbooks").EnumerateArray().ToList();
            Assert.That(playbooks.Select(p => (p.GetProperty("name").GetString(), p.GetProperty("passed").GetBoolean())),
                Is.EqualTo(new[] { ("short-that-holds", true), ("cannot-hold", false) }));
            var load = playbooks[0].GetProperty("loads")[0];
            Assert.That(load.GetProperty("acknowledged").GetInt32(), Is.GreaterThan(0), "the load's writes acknowledged");
            Assert.That(load.GetProperty("lost").GetInt32(), Is.Zero, "nothing lost without a fault");
            Assert.That(load.GetProperty("shards").EnumerateArray().Select(x => (x.GetProperty("shard").GetString(), x.GetProperty("acknowledged").GetInt32() > 0)),
                Is.EqualTo(new[] { ("g1", true), ("g2", true) }), "each shard's lane wrote");
            var steps = playbooks[1].GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("outcome").GetString()).ToList();
            Assert.That(steps, Is.EqualTo(new[] { "passed", "passed", "passed", "failed", "not_run" }));

            // The process stopped its lab: no container of it is left.
            var inventory = LabPlacement.Place(InventoryLoader.Load(Path.Combine(Repository.Root, "inventories", Scenario.DefaultInventory)), labIndex);
            using var docker = new DockerClientConfiguration().CreateClient();
            var names = (await docker.Containers.ListContainersAsync(new ContainersListParameters { All = true }))
                .SelectMany(c => c.Names).Select(n => n.TrimStart('/')).ToHashSet();
            Assert.That(inventory.ContainerNames.Where(names.Contains), Is.Empty, "lab containers left behind");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task A_bad_playbook_exits_2_with_its_line_before_anything_starts()
    {
        var bad = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(bad, "description: x\nsteps:\n  - kill: master of g9\n");
        try
        {
            var (exit, _, stderr) = await PlayAsync(["--play", "scenarios/kill-master-g1.yml", "--play", bad], TimeSpan.FromMinutes(2));

            Assert.That(exit, Is.EqualTo(2), "exit code");
            Assert.That(stderr, Does.Contain($"{bad}:3: shard 'g9' is not in post-2016.yml"));
            Assert.That(stderr, Does.Not.Contain("   at "), "no stack trace");
        }
        finally
        {
            File.Delete(bad);
        }
    }

    // Each option the AppHost reads itself, given a value it cannot use: refused with the fix, and nothing written.
    [TestCase("--stack", "Lab", "Nothing was published. --stack 'Lab' is not a stack name Swarm takes; use lower-case letters")]
    [TestCase("--image-prefix", "http://10.0.0.5:5000", "Nothing was published. --image-prefix 'http://10.0.0.5:5000' is not how an image reference begins")]
    [TestCase("--sample-app", "maybe", "Nothing was published. --sample-app 'maybe' is neither true nor false")]
    [TestCase("--play", "scenarios/kill-master-g1.yml", "Nothing was published. --play runs playbooks on a lab this command starts, --publish writes a stack instead")]
    public async Task A_bad_option_exits_2_with_its_fix_and_publishes_nothing(string option, string value, string message)
    {
        var output = Path.Combine(Path.GetTempPath(), $"publish-{Guid.NewGuid():N}");

        var (exit, _, stderr) = await PlayAsync(["--publish", "swarm", "--output", output, option, value], TimeSpan.FromMinutes(2));

        Assert.That(exit, Is.EqualTo(2), "exit code");
        Assert.That(stderr, Does.Contain(message).And.Not.Contain("   at "));
        Assert.That(Directory.Exists(output), Is.False, "nothing written");
    }

    [Test]
    public async Task A_sample_app_switch_that_is_neither_true_nor_false_starts_no_lab()
    {
        var (exit, _, stderr) = await PlayAsync(["--sample-app", "maybe"], TimeSpan.FromMinutes(2));

        Assert.That(exit, Is.EqualTo(2), "exit code");
        Assert.That(stderr, Does.Contain("The lab was not started. --sample-app 'maybe' is neither true nor false; pass --sample-app false"));
    }

    // The command line itself, and files that are no inventory or playbook to read (issue 21): refused, not a hang.
    [TestCase("--inventroy", "inventories/three-shards.yml", "The lab was not started. unknown option '--inventroy'; did you mean --inventory?")]
    [TestCase("--play", "/dev/zero", "/dev/zero:1: empty, or not a regular file (a device, a pipe, a /proc file)")]
    [TestCase("--inventory", "/proc/self/mem", "The lab was not started. /proc/self/mem:1: the inventory's file name 'mem' does not end in .yml")]
    public async Task A_command_line_the_AppHost_cannot_use_exits_2_and_starts_nothing(string option, string value, string message)
    {
        var (exit, _, stderr) = await PlayAsync([option, value], TimeSpan.FromMinutes(2));

        Assert.That(exit, Is.EqualTo(2), "exit code");
        Assert.That(stderr, Does.Contain(message).And.Not.Contain("   at "));
    }

    private static string Tail(string text, int lines = 40) =>
        string.Join('\n', text.Split('\n').TakeLast(lines));

    /// <summary>The command of docs/chaos-and-playbooks.md ("Playing a playbook from a shell"), built already: <c>dotnet run --project AppHost --no-build -c Release -- ARGS</c> from the repository root.</summary>
    private static async Task<(int Exit, string Stdout, string Stderr)> PlayAsync(string[] args, TimeSpan within)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in (string[])["run", "--project", "AppHost", "--no-build", "-c", "Release", "--", .. args])
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Interrupt as Ctrl+C would, so the AppHost still stops its lab.
            Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1));
            Assert.Fail($"--play did not end within {within.TotalMinutes:0} minutes");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
