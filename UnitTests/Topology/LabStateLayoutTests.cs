using RedisHaLab.Topology;

namespace RedisHaLab.UnitTests.Topology;

/// <summary>
/// The lab's folder is emptied at every start: its name comes only from a checked form of the inventory's file name,
/// and only a folder the lab marked (strictly inside .lab/) is ever deleted.
/// </summary>
public class LabStateLayoutTests
{
    private string _root = "";

    [SetUp]
    public void CreateRepository() => _root = Directory.CreateTempSubdirectory("lab-state-").FullName;

    [TearDown]
    public void DeleteRepository() => Directory.Delete(_root, recursive: true);

    private static Inventory Named(string fileName) => InventoryLoader.Parse(InventoryFiles.PostText, fileName);

    // Catches: the folder named by Path.GetFileNameWithoutExtension again ('...yml' -> '.lab/..', the repository).
    [TestCase("...yml")]
    [TestCase(".yml")]
    [TestCase("..yml")]
    [TestCase("lab$(touch x).yml")]
    [TestCase("Post-2016.yml")]
    [TestCase("post_2016.yml")]
    [TestCase("post--2016.yml")]
    [TestCase("post-2016-.yml")]
    [TestCase("1lab.yml")]
    [TestCase("lab\u202e.yml")]
    [TestCase("lab .yml")]
    public void A_file_name_that_is_no_lab_name_is_refused_with_how_to_rename_it(string fileName)
    {
        var problem = LabStateLayout.NameProblem($"/somewhere/{fileName}");

        Assert.That(problem, Does.Contain("rename the file to lower-case letters and digits with single '-' between them, starting with a letter"));
        Assert.That(problem!.Contains('\u202e', StringComparison.Ordinal), Is.False, "a bidirectional control shown as its code point");
        Assert.That(() => new LabStateLayout(_root, Named(fileName)), Throws.ArgumentException);
    }

    // Catches: the reserved list dropped (a lab named 'playbooks' emptied every playbook report at its start).
    [TestCase("playbooks", "the playbook reports")]
    [TestCase("swarm", "the published Swarm stacks")]
    [TestCase("test-results", "the test results")]
    [TestCase("benchmark", "the benchmark reports")]
    public void A_lab_named_like_a_folder_lab_keeps_for_something_else_is_refused(string name, string holds)
    {
        Assert.That(LabStateLayout.NameProblem($"inventories/{name}.yml"),
            Is.EqualTo($"a lab named '{name}' would take .lab/{name}/, which holds {holds}; rename the file (e.g. {name}-lab.yml)"));
    }

    [Test]
    public void A_name_without_yml_or_too_long_is_refused()
    {
        Assert.That(LabStateLayout.NameProblem("inventories/post-2016"), Does.Contain("does not end in .yml"));
        Assert.That(LabStateLayout.NameProblem("inventories/post-2016.json"), Does.Contain("does not end in .yml"));
        Assert.That(LabStateLayout.NameProblem($"{new string('a', LabStateLayout.MaxNameLength)}.yml"), Is.Null);
        Assert.That(LabStateLayout.NameProblem($"{new string('a', LabStateLayout.MaxNameLength + 1)}.yml"),
            Does.Contain($"is {LabStateLayout.MaxNameLength + 1} characters before .yml").And.Contain("at most 63 characters"));
    }

    [Test]
    public void Every_shipped_inventory_and_the_integration_tests_names_are_lab_names()
    {
        var shipped = Directory.EnumerateFiles(Path.Combine(TestContext.CurrentContext.TestDirectory, "inventories"), "*.yml");
        Assert.That(shipped.Select(LabStateLayout.NameProblem), Has.All.Null);
        Assert.That(LabStateLayout.NameProblem($"/tmp/invalid-{Guid.NewGuid():N}.yml"), Is.Null, "IntegrationTests' InvalidInventoryTests");
        Assert.That(LabStateLayout.NameProblem("post-2016.yaml"), Is.Null);
    }

    [Test]
    public void The_loader_refuses_such_a_file_at_line_1_before_reading_it()
    {
        var file = Path.Combine(_root, "...yml");
        File.WriteAllText(file, InventoryFiles.PostText);

        var e = Assert.Throws<InventoryException>(() => InventoryLoader.Load(file))!;

        Assert.That(e.Message, Does.StartWith($"{file}:1: the inventory's file name '...yml' cannot name the lab's folder (.lab/<name>/, emptied at every start); rename the file"));
    }

    [Test]
    public void The_folder_is_under_lab_by_the_checked_name_and_playbook_reports_beside_it_by_time_only()
    {
        var layout = new LabStateLayout(_root, Named("/x/inventories/post-2016.yml"));

        Assert.That(layout.Root, Is.EqualTo(Path.Combine(_root, ".lab", "post-2016")));
        Assert.That(LabStateLayout.PlaybookRunFolder(_root, new DateTime(2026, 12, 5, 8, 1, 2, DateTimeKind.Utc)),
            Is.EqualTo(Path.Combine(_root, ".lab", "playbooks", "20261205-080102")));
    }

    // Catches: Clear deleting whatever is there (the marker check removed).
    [Test]
    public void A_folder_holding_files_the_lab_did_not_write_is_left_alone_with_the_reason()
    {
        var layout = new LabStateLayout(_root, Named("post-2016.yml"));
        Directory.CreateDirectory(layout.Root);
        var mine = Path.Combine(layout.Root, "notes.txt");
        File.WriteAllText(mine, "mine");

        Assert.That(layout.ClearProblem(), Does.Contain($"{layout.Root} holds files the lab did not write (no {LabStateLayout.MarkerFile} in it)").And.Contain("move it away"));
        Assert.That(layout.Clear, Throws.InvalidOperationException);
        Assert.That(File.ReadAllText(mine), Is.EqualTo("mine"));
    }

    [Test]
    public void A_folder_the_lab_marked_is_emptied_and_marked_again()
    {
        var layout = new LabStateLayout(_root, Named("post-2016.yml"));
        layout.Clear();
        var stale = Path.Combine(layout.InstanceFolder("node22-redis-4500"), "redis.conf");
        Directory.CreateDirectory(Path.GetDirectoryName(stale)!);
        File.WriteAllText(stale, "old");
        var beside = Path.Combine(_root, ".lab", "playbooks", "report.md");
        Directory.CreateDirectory(Path.GetDirectoryName(beside)!);
        File.WriteAllText(beside, "kept");

        layout.Clear();

        Assert.That(File.Exists(stale), Is.False);
        Assert.That(File.Exists(Path.Combine(layout.Root, LabStateLayout.MarkerFile)), Is.True);
        Assert.That(File.ReadAllText(beside), Is.EqualTo("kept"));
    }

    [Test]
    public void A_folder_from_before_the_marker_holding_only_this_labs_container_folders_is_the_labs()
    {
        var inventory = Named("post-2016.yml");
        var layout = new LabStateLayout(_root, inventory);
        foreach (var name in inventory.ContainerNames)
        {
            Directory.CreateDirectory(layout.InstanceFolder(name));
        }

        Assert.That(layout.ClearProblem(), Is.Null);
        File.WriteAllText(Path.Combine(layout.Root, "other.txt"), "x");
        Assert.That(layout.ClearProblem(), Is.Not.Null);
    }

    // Catches: a link followed by the delete (its target's files gone).
    [Test]
    public void A_link_in_the_folders_place_is_not_followed()
    {
        var layout = new LabStateLayout(_root, Named("post-2016.yml"));
        var elsewhere = Directory.CreateDirectory(Path.Combine(_root, "elsewhere")).FullName;
        File.WriteAllText(Path.Combine(elsewhere, LabStateLayout.MarkerFile), "planted");
        Directory.CreateDirectory(Path.Combine(_root, ".lab"));
        Directory.CreateSymbolicLink(layout.Root, elsewhere);

        Assert.That(layout.ClearProblem(), Does.Contain($"is a link to {elsewhere}"));
        Assert.That(layout.Clear, Throws.InvalidOperationException);
        Assert.That(File.Exists(Path.Combine(elsewhere, LabStateLayout.MarkerFile)), Is.True);
    }

    [Test]
    public void A_file_in_the_folders_place_is_refused()
    {
        var layout = new LabStateLayout(_root, Named("post-2016.yml"));
        Directory.CreateDirectory(Path.Combine(_root, ".lab"));
        File.WriteAllText(layout.Root, "a file");

        Assert.That(layout.ClearProblem(), Does.Contain("is a file, where the lab of post-2016.yml keeps its folder"));
    }
}
