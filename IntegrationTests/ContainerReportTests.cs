using Docker.DotNet;
using Docker.DotNet.Models;
using RedisHaLab.Harness;

namespace RedisHaLab.IntegrationTests;

/// <summary>
/// The engine's report of a container that did not start (<see cref="DockerContainerList.ReportAsync"/>), against a real
/// container: its exit code, and its last lines in the order it wrote them across standard output and error.
/// </summary>
[TestFixture]
public class ContainerReportTests
{
    // Every image of the lab is built FROM it, and eng/setup.sh makes it on every machine.
    private const string BaseImage = "debian:bookworm-slim";

    // Catches: the report reading all of standard output, then all of standard error, so that an error appears after
    // lines it came before (the order a reader needs to see what failed first).
    [Test]
    public async Task A_containers_last_lines_keep_the_order_they_were_written_in_across_output_and_error()
    {
        using var docker = new DockerClientConfiguration().CreateClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var name = $"redis-ha-lab-report-{Guid.NewGuid():N}";
        await docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = name,
            Image = BaseImage,
            Entrypoint = ["sh", "-c", "echo first; sleep 0.3; echo second >&2; sleep 0.3; echo third; sleep 0.3; echo fourth >&2; exit 3"],
            HostConfig = new HostConfig { NetworkMode = "none" },
        }, timeout.Token);
        try
        {
            await docker.Containers.StartContainerAsync(name, new ContainerStartParameters(), timeout.Token);
            await docker.Containers.WaitContainerAsync(name, timeout.Token);
            using var engine = new DockerContainerList();

            var report = await engine.ReportAsync(name, 3, timeout.Token);

            Assert.That(report, Is.Not.Null);
            Assert.That(report!.LastLines, Is.EqualTo(new[] { "second", "third", "fourth" }), "the last three, in the order written");
            Assert.That((report.Status, report.ExitCode), Is.EqualTo(("exited", 3L)));
        }
        finally
        {
            await docker.Containers.RemoveContainerAsync(name, new ContainerRemoveParameters { Force = true }, CancellationToken.None);
        }
    }
}
