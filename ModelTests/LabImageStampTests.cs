using RedisHaLab.AppHost.Lab;

namespace RedisHaLab.ModelTests;

/// <summary>
/// The stamp that lets a warm start skip an image build: it must change with any change to the build folder (else a
/// start runs an old image), and only then (else every start builds again).
/// </summary>
public sealed class LabImageStampTests
{
    private string _folder = null!;

    [SetUp]
    public void Folder()
    {
        _folder = Path.Combine(Path.GetTempPath(), $"lab-image-stamp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(_folder, "app"));
        File.WriteAllText(Path.Combine(_folder, "Dockerfile"), "FROM debian:bookworm-slim\n");
        File.WriteAllText(Path.Combine(_folder, "app", "service.dll"), "v1");
    }

    [TearDown]
    public void Remove() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void The_same_files_give_the_same_stamp_wherever_the_folder_is_and_whenever_they_were_written()
    {
        var copy = _folder + "-copy";
        Directory.CreateDirectory(Path.Combine(copy, "app"));
        try
        {
            // Written in the other order, later: neither order nor time is content.
            File.WriteAllText(Path.Combine(copy, "app", "service.dll"), "v1");
            File.WriteAllText(Path.Combine(copy, "Dockerfile"), "FROM debian:bookworm-slim\n");

            Assert.That(Fresh(copy), Is.EqualTo(Fresh(_folder)));
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [TestCase("content")]
    [TestCase("new file")]
    [TestCase("renamed")]
    public void Any_change_to_the_build_folder_changes_the_stamp(string change)
    {
        var before = Fresh(_folder);
        switch (change)
        {
            case "content":
                File.WriteAllText(Path.Combine(_folder, "app", "service.dll"), "v2");
                break;
            case "new file":
                File.WriteAllText(Path.Combine(_folder, "app", "extra.json"), "{}");
                break;
            case "renamed":
                File.Move(Path.Combine(_folder, "app", "service.dll"), Path.Combine(_folder, "app", "service2.dll"));
                break;
        }

        Assert.That(Fresh(_folder), Is.Not.EqualTo(before), change);
    }

    /// <summary>The stamp as a new AppHost process computes it (the process keeps one per folder).</summary>
    private static string Fresh(string folder)
    {
        LabImageStamps.Forget(folder);
        return LabImageStamps.Of(folder);
    }
}
