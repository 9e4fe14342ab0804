using Docker.DotNet;
using Docker.DotNet.Models;

namespace RedisHaLab.IntegrationTests;

public class InvalidInventoryTests
{
    // One bad input of each kind the inventory loader refuses (UnitTests/Topology/BadInventoryTests has them all, with
    // their messages): here through the real AppHost, which must stop before it creates anything.
    [TestCase("quorum: 2", "quorum: 5", TestName = "A quorum above the Sentinel count")]
    [TestCase("  quorum: 2\n", "  quorum: 2\n  quorum: 3\n", TestName = "A key given twice")]
    [TestCase("  maxmemory: 256mb", "  maxmemory: \"256mb\\nport 6379\"", TestName = "A value with a line break")]
    [TestCase("  timeout: 0", "  timeout: 0\n  PORT: 6379", TestName = "A lab-owned directive in upper case")]
    [TestCase("  bad24: {", "  bad22-sentinel: { address: 127.0.0.25 }\n  bad24: {", TestName = "A node named like another resource")]
    [TestCase("replicas: [bad24:4500]", "replicas: [bad24:4500, ~]", TestName = "An empty item in a list")]
    public async Task An_invalid_inventory_stops_the_AppHost_before_any_container_exists(string original, string replacement)
    {
        var bad = Path.Combine(Path.GetTempPath(), $"invalid-{Guid.NewGuid():N}.yml");
        var text = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "inventories", "post-2016.yml"));
        // An inventory whose nodes are new names, so any container it created could only come from this run.
        text = text.Replace("node2", "bad2");
        Assert.That(text, Does.Contain(original), "test setup: the default inventory changed");
        await File.WriteAllTextAsync(bad, text.Replace(original, replacement));
        try
        {
            Assert.That(async () =>
            {
                var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["--inventory", bad]);
                await using var app = await builder.BuildAsync();
                await app.StartAsync();
            }, Throws.Exception);

            using var docker = new DockerClientConfiguration().CreateClient();
            var containers = await docker.Containers.ListContainersAsync(new ContainersListParameters { All = true });
            Assert.That(containers.SelectMany(c => c.Names), Has.None.Contains("bad2"));
        }
        finally
        {
            File.Delete(bad);
        }
    }
}
