using System.Net;
using RedisHaLab.Topology;
using RedisHaLab.Topology.Model;

namespace RedisHaLab.UnitTests.Topology;

/// <summary>Labs side by side: lab N has its own addresses, names and folder, and its config files say so.</summary>
public class LabPlacementTests
{
    private static Inventory Post => InventoryLoader.Load(InventoryFiles.PostPath);

    private static Inventory ProxyHa => InventoryLoader.Load(Path.Combine(TestContext.CurrentContext.TestDirectory, "inventories", "post-2016-proxy-ha.yml"));

    [Test]
    public void Lab_zero_is_the_inventory_as_written()
    {
        var post = Post;
        Assert.That(LabPlacement.Place(post, 0), Is.SameAs(post));
        Assert.That(post.ContainerNames, Does.Contain("node22-redis-4500"));
    }

    [Test]
    public void Lab_two_moves_every_address_two_up_its_second_byte_and_keeps_the_ports()
    {
        var placed = LabPlacement.Place(Post, 2);
        Assert.That(placed.Nodes.Select(n => n.Address.ToString()), Is.EqualTo(new[] { "127.2.0.22", "127.2.0.23", "127.2.0.24" }));
        Assert.That(placed.Proxy.FrontDoorAddress, Is.EqualTo(IPAddress.Parse("127.2.0.1")));
        Assert.That(placed.Proxy.Port, Is.EqualTo(14555));
        // Every instance sits on its own node's moved address, not on a copy of the node left behind.
        Assert.That(placed.RedisInstances.Select(i => i.Node.Address.ToString()), Is.All.StartsWith("127.2.0."));
        Assert.That(placed.Sentinels.Instances.Select(s => s.Node.Address.ToString()), Is.All.StartsWith("127.2.0."));
        Assert.That(placed.LabIndex, Is.EqualTo(2));
    }

    [Test]
    public void Lab_two_prefixes_every_container_name_and_nothing_else()
    {
        var post = Post;
        var placed = LabPlacement.Place(post, 2);
        Assert.That(placed.ContainerNames, Is.EqualTo(post.ContainerNames.Select(n => "lab2-" + n)));
        // Playbooks and reports keep the inventory's words.
        Assert.That(placed.Nodes.Select(n => n.Name), Is.EqualTo(post.Nodes.Select(n => n.Name)));
        Assert.That(placed.Shards.Select(s => s.SentinelMasterName), Is.EqualTo(post.Shards.Select(s => s.SentinelMasterName)));
    }

    [Test]
    public void The_load_balancer_moves_and_is_renamed_too()
    {
        var placed = LabPlacement.Place(ProxyHa, 1);
        Assert.That(placed.LoadBalancer!.Name, Is.EqualTo("lab1-haproxy"));
        Assert.That(placed.LoadBalancer.FrontDoorAddress.ToString(), Does.StartWith("127.1."));
        Assert.That(placed.ContainerNames, Has.All.StartsWith("lab1-"));
    }

    [Test]
    public void The_config_files_of_lab_one_name_lab_ones_containers()
    {
        var placed = LabPlacement.Place(Post, 1);
        var sentinel = RedisConfigFile.RenderSentinel(placed, placed.Sentinels.Instances[0], password: null);
        Assert.That(sentinel, Does.Contain("lab1-node22-redis-4500"));
        var replica = RedisConfigFile.RenderRedis(placed, placed.Shards[0].Replicas[0], password: null);
        Assert.That(replica, Does.Contain("lab1-node22-redis-4500"));
        Assert.That(HaproxyConfig.Render(LabPlacement.Place(ProxyHa, 1), null), Does.Contain("lab1-node23-twemproxy").And.Not.Contain(" node23-twemproxy"));
    }

    [Test]
    public void Lab_one_keeps_its_files_in_a_folder_no_inventory_can_name()
    {
        var root = Path.Combine(Path.GetTempPath(), "placement-root");
        Assert.That(new LabStateLayout(root, LabPlacement.Place(Post, 1)).Root, Is.EqualTo(Path.Combine(root, ".lab", "post-2016.lab1")));
        Assert.That(new LabStateLayout(root, Post).Root, Is.EqualTo(Path.Combine(root, ".lab", "post-2016")));
        Assert.That(LabStateLayout.NameProblem("post-2016.lab1.yml"), Is.Not.Null, "an inventory cannot take lab 1's folder");
        Assert.That(new LabStateLayout(root, LabPlacement.Place(Post, 1)).ClearProblem(), Is.Null, "lab 1 may empty its own folder");
    }

    [Test]
    public void The_reconfig_service_is_told_the_index_only_for_a_lab_beside_another()
    {
        static string? IndexOf(Inventory inventory) =>
            LabModel.Of(inventory).Parts.Single(p => p.Kind == PartKind.Reconfig).Environment.SingleOrDefault(v => v.Name == "Lab__LabIndex")?.Value;
        Assert.That(IndexOf(LabPlacement.Place(Post, 3)), Is.EqualTo("3"));
        Assert.That(IndexOf(Post), Is.Null, "lab 0's model, and so the manifest, stays as it was");
    }

    [TestCase(-1)]
    [TestCase(10)]
    public void An_index_out_of_range_is_refused_with_the_range(int index)
    {
        var error = Assert.Throws<InventoryException>(() => LabPlacement.Place(Post, index))!;
        Assert.That(error.Message, Does.Contain($"the lab index {index} is not between 0 and {LabPlacement.MaxIndex}"));
    }

    [Test]
    public void An_address_that_would_leave_loopback_is_refused_on_its_line()
    {
        var yaml = InventoryFiles.PostWith("node24: { address: 127.0.0.24 }", "node24: { address: 127.250.0.24 }");
        var file = Path.Combine(Path.GetTempPath(), $"placement-{Guid.NewGuid():N}.yml");
        File.WriteAllText(file, yaml);
        try
        {
            var error = Assert.Throws<InventoryException>(() => LabPlacement.Place(InventoryLoader.Load(file), 6))!;
            Assert.That(error.Problems.Single().Line, Is.EqualTo(InventoryFiles.LineOf(yaml, "127.250.0.24")));
            Assert.That(error.Message, Does.Contain("node node24's address 127.250.0.24 cannot move to lab 6's range").And.Contain("lower --lab-index"));
            Assert.That(LabPlacement.Place(InventoryLoader.Load(file), 5).Nodes.Single(n => n.Name == "node24").Address.ToString(), Is.EqualTo("127.255.0.24"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void A_name_the_prefix_makes_too_long_for_a_DNS_label_is_refused_naming_the_node()
    {
        var longNode = "n" + new string('x', InventoryLoader.MaxNodeName - 1);
        var yaml = InventoryFiles.PostText.Replace("node24", longNode);
        var file = Path.Combine(Path.GetTempPath(), $"placement-{Guid.NewGuid():N}.yml");
        File.WriteAllText(file, yaml);
        try
        {
            var inventory = InventoryLoader.Load(file);
            var error = Assert.Throws<InventoryException>(() => LabPlacement.Place(inventory, 1))!;
            Assert.That(error.Message, Does.Contain($"shorten node {longNode}'s name by 4 characters"));
            Assert.That(error.Problems.Select(p => p.Line), Is.EqualTo(new[] { InventoryFiles.LineOf(yaml, longNode) }));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
