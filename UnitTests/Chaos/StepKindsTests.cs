using System.Reflection;
using System.Text.RegularExpressions;
using RedisHaLab.Faults;
using RedisHaLab.Playbooks;

namespace RedisHaLab.UnitTests.Chaos;

/// <summary>
/// Issue 22: each kind of step is one record in Services/Chaos/Playbooks/Steps/ and <see cref="StepKinds"/> lists it once;
/// these hold the registry to that (a step nobody registered, a name given twice, a step docs/ does not name).
/// </summary>
public class StepKindsTests
{
    /// <summary>
    /// One example of every step name, as a playbook writes it, and its worst case on the post's lab in seconds (the bounds
    /// of the code that runs it: a change here is a change of what the validator allows). A new step needs one here.
    /// </summary>
    private static readonly (string Step, double WorstSeconds)[] Examples =
    [
        ("write_keys: 100", 32),
        ("start_load: { rate: 50 }", 12),
        ("stop_load", 12),
        ("kill: master of g1", 7),
        ("stop: the reconfig service", 12),
        ("start: the proxy", 15),
        ("pause: replica of g2", 2),
        ("resume: original replica of g2", 2),
        ("partition: sentinel on node23", 2),
        ("heal: a sentinel", 2),
        ("isolate: master of g1", 6),
        ("cut_resolver: node22", 4),
        ("restart: node22", 22),
        ("manual_failover: g2", 20),
        ("wait: 1500ms", 1.5),
        ("wait_for_failover: { shard: g1, timeout: 20s }", 20),
        ("wait_for_role: { target: original master of g1, role: replica }", 30),
        ("heal_all", 72),
        ("forge_master: { shard: g1, address: master of g2 }", 3),
        ("restore_master: g1", 30),
        ("assert_keys_readable", 30),
        ("assert_writes_succeed: { timeout: 1m }", 60),
        ("assert_proxy_points_at_master: { shard: g2 }", 30),
        ("assert_proxy_never_went_back: original master of g1", 4.5),
        ("switchover: g1", 55),
        ("assert_no_acknowledged_write_lost", 60),
        ("assert_no_write_failed", 60),
        ("assert_acknowledged_writes_lost: g1", 60),
        ("assert_every_connection_served: { connections: 20 }", 126),
        ("wait_for_rotation: { proxy: proxy on node24, state: in, timeout: 10s }", 10),
    ];

    [Test]
    public void Every_step_name_is_registered_once()
    {
        Assert.That(StepKinds.Names, Is.Unique);
        Assert.That(StepKinds.Names, Has.None.Empty);
    }

    [Test]
    public void Every_kind_of_step_is_registered()
    {
        // A step record that StepKinds does not list could never be read from a playbook.
        var records = typeof(ScenarioStep).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(ScenarioStep)) && !t.IsAbstract).ToList();

        Assert.That(records, Has.Count.EqualTo(StepKinds.All.Count));
        Assert.Multiple(() =>
        {
            foreach (var record in records)
            {
                var definition = record.GetProperty("Definition", BindingFlags.Static | BindingFlags.NonPublic)?.GetValue(null);
                Assert.That(StepKinds.All, Does.Contain(definition), $"{record.Name} is not listed in StepKinds.All (or has no static Definition)");
            }
        });
    }

    [Test]
    public void Every_step_name_has_an_example_here()
    {
        Assert.That(Examples.Select(e => e.Step.Split(':')[0]), Is.EquivalentTo(StepKinds.Names));
    }

    public static IEnumerable<TestCaseData> ExampleCases() => Examples.Select(e => new TestCaseData(e.Step, e.WorstSeconds).SetArgDisplayNames(e.Step));

    [TestCaseSource(nameof(ExampleCases))]
    public void A_step_reads_back_from_its_own_text_and_keeps_its_worst_case(string example, double worstSeconds)
    {
        var step = Single(example);

        Assert.That(Single(step.Text), Is.EqualTo(step), step.Text);
        Assert.That(StepBudget.WorstCase(step, ScenarioFiles.PostLab), Is.EqualTo(TimeSpan.FromSeconds(worstSeconds)));
    }

    [Test]
    public void Heal_all_counts_what_stands_before_it()
    {
        // node22's three containers started again (15 s each) and a pause resumed (2 s), on top of its 72 s of looks.
        FaultStep[] standing = [new(1, FaultKind.Kill, new FaultTarget.Node("node22")), new(2, FaultKind.Pause, new FaultTarget.MasterOf("g1"))];

        Assert.That(StepBudget.WorstCase(Single("heal_all"), ScenarioFiles.PostLab, standing), Is.EqualTo(TimeSpan.FromSeconds(119)));
    }

    [Test]
    public void A_forged_master_left_standing_is_undone_before_the_load_is_counted()
    {
        // Counting waits up to a minute for convergence; a forgery destroys a shard's data within seconds.
        Assert.That(StepKinds.UndoLeftStanding, Is.EqualTo(new Func<RedisHaLab.Playbooks.PlaybookRun, Task>[]
        {
            ForgeMasterStep.RestoreLeftStandingAsync, StartLoadStep.StopAndCountLeftStandingAsync,
        }));
    }

    [Test]
    public void The_docs_name_every_step()
    {
        // The list of steps is in chaos-and-playbooks.md; the proxy tier's own steps are in topology.md.
        var docs = string.Join('\n', Directory.EnumerateFiles(Path.Combine(TestContext.CurrentContext.TestDirectory, "docs"), "*.md").Select(File.ReadAllText));

        Assert.Multiple(() =>
        {
            foreach (var name in StepKinds.Names)
            {
                Assert.That(Regex.IsMatch(docs, $"`{Regex.Escape(name)}(`|: )"), $"docs/ names no step `{name}`; add it to the playbooks' list of steps in docs/chaos-and-playbooks.md");
            }
        });
    }

    [Test]
    public void An_unknown_step_lists_the_registered_names()
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse("description: x\nsteps:\n  - freeze_disk: g1\n", "bad.yml"))!;

        Assert.That(error.Message, Is.EqualTo($"bad.yml:3: unknown step 'freeze_disk'; use one of: {string.Join(", ", StepKinds.Names)}"));
    }

    private static ScenarioStep Single(string step) => ScenarioLoader.Parse($"description: one step\nsteps:\n  - {step}\n", "one.yml").Steps.Single();
}
