using Docker.DotNet;
using Docker.DotNet.Models;

namespace RedisHaLab.IntegrationTests;

public class InvalidInventoryTests
{
    [Test]
    public async Task An_invalid_inventory_stops_the_AppHost_before_any_container_exists()
    {
        var bad = Path.Combine(Path.GetTempPath(), $"invalid-{Guid.NewGuid():N}.yml");
        var text = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "inventories", "post-2016.yml"));
        // An inventory whose nodes are new names, so any container it created could only come from this run.
        await File.WriteAllTextAsync(bad, text.Replace("node2", "bad2").Replace("quorum: 2", "quorum: 5"));
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
