using RedisHaLab.Harness;
using RedisHaLab.Playbooks;
using RedisHaLab.Topology;

namespace RedisHaLab.UnitTests.Harness;

/// <summary>What a lab start from the host is given: the AppHost's command line, the placed inventory, the password.</summary>
public class LabPlanTests
{
    private static string InventoryPath(string file) => Path.Combine(TestContext.CurrentContext.TestDirectory, "inventories", file);

    // Catches: an option the AppHost does not know ("--labindex", "--sample_app"), a value missing after one, or the
    // password given as "--Parameters:redis-password" without its "=": the AppHost refuses to start on each.
    [TestCase("post-2016.yml", 0)]
    [TestCase("post-2016-auth.yml", 3)]
    public void The_command_line_is_one_the_AppHost_takes(string file, int index)
    {
        Assert.That(LabCommandLine.Problems(LabPlan.For(InventoryPath(file), index).Arguments), Is.Empty);
    }

    // Catches: the lab index left off (every fixture would start lab 0 on the same names and ports), the sample app
    // left on (its traffic counted as the test's), or a password handed over with no authentication to use it.
    [Test]
    public void Without_authentication_the_command_line_names_the_inventory_the_index_and_no_sample_app()
    {
        var path = InventoryPath("post-2016.yml");
        Assert.That(LabPlan.For(path, 2).Arguments, Is.EqualTo(new[] { "--inventory", path, "--sample-app", "false", "--lab-index", "2" }));
    }

    // Catches: the password not handed to the AppHost (it would generate its own, and every client of the test would
    // be refused), or handed under another parameter's name.
    [Test]
    public void With_authentication_the_command_line_hands_the_password_as_the_AppHosts_parameter()
    {
        var plan = LabPlan.For(InventoryPath("post-2016-auth.yml"));
        Assert.That(plan.Arguments[^1], Is.EqualTo($"--Parameters:redis-password={plan.Password}"));
        Assert.That(plan.Arguments, Has.Count.EqualTo(7));
    }

    // Catches: a password when the inventory has no authentication (or none when it has), one a lab cannot take (it is
    // written unquoted into redis.conf), or the same one at every start.
    [Test]
    public void A_password_is_new_hex_for_each_start_of_an_inventory_with_authentication_and_none_without()
    {
        var first = LabPlan.For(InventoryPath("post-2016-auth.yml")).Password;
        var second = LabPlan.For(InventoryPath("post-2016-auth.yml")).Password;
        Assert.Multiple(() =>
        {
            Assert.That(first, Does.Match("^[0-9A-F]{32}$"));
            Assert.That(LabPassword.Problem(first), Is.Null);
            Assert.That(second, Is.Not.EqualTo(first));
            Assert.That(LabPlan.For(InventoryPath("post-2016.yml")).Password, Is.Null);
        });
    }

    // Catches: the inventory not placed at the index: the test would look for lab 0's containers and ports while the
    // AppHost started lab 2's.
    [Test]
    public void The_inventory_is_placed_at_the_lab_index()
    {
        var plan = LabPlan.For(InventoryPath("post-2016.yml"), 2);
        Assert.That(plan.Inventory.ContainerNames, Is.All.StartsWith(LabPlacement.ContainerPrefix(2)));
    }

    [Test]
    public void An_index_that_places_no_lab_is_refused_before_anything_starts()
    {
        var refusal = Assert.Throws<InventoryException>(() => LabPlan.For(InventoryPath("post-2016.yml"), LabPlacement.MaxIndex + 1));
        Assert.That(refusal!.Message, Does.Contain($"is not between 0 and {LabPlacement.MaxIndex}"));
    }
}
