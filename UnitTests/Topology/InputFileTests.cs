using System.Diagnostics;
using RedisHaLab.Playbooks;
using RedisHaLab.Topology;

namespace RedisHaLab.UnitTests.Topology;

/// <summary>Only regular files of at most 1 MiB are read as inventories or playbooks: never a hang, never a crash.</summary>
public class InputFileTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("input-file-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    // The read runs beside the test, bounded: a reader that hangs fails the test instead of hanging the run.
    private static T Within<T>(Func<T> read)
    {
        var task = Task.Run(read);
        Assert.That(task.Wait(TimeSpan.FromSeconds(10)), Is.True, "the read returned within 10 s");
        return task.Result;
    }

    private static InventoryException InventoryFails(string path) =>
        Within(() => Assert.Throws<InventoryException>(() => InventoryLoader.Load(path))!);

    private static ScenarioException PlaybookFails(string path) =>
        Within(() => Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(path))!);

    private string Fifo()
    {
        var path = Path.Combine(_folder, "fifo.yml");
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.That(mkfifo.ExitCode, Is.EqualTo(0), "test setup: mkfifo");
        return path;
    }

    // Catches: the size-0 check removed (a pipe's open waits for a writer for ever; /dev/zero is read for ever).
    [Test]
    public void A_device_a_pipe_and_a_proc_file_are_refused_without_a_hang()
    {
        var link = Path.Combine(_folder, "zero.yml");
        File.CreateSymbolicLink(link, "/dev/zero");

        Assert.That(PlaybookFails("/dev/zero").Message, Is.EqualTo("/dev/zero:1: empty, or not a regular file (a device, a pipe, a /proc file); give a playbook (they live in scenarios/*.yml)"));
        Assert.That(PlaybookFails(Fifo()).Message, Does.Contain(":1: empty, or not a regular file"));
        Assert.That(InventoryFails(link).Message, Does.StartWith($"{link}:1: empty, or not a regular file (a device, a pipe, a /proc file); give an inventory (e.g. --inventory inventories/post-2016.yml)"));
    }

    [Test]
    public void Proc_self_mem_is_refused_by_its_name_and_by_its_size()
    {
        Assert.That(InventoryFails("/proc/self/mem").Message, Does.Contain("does not end in .yml"));
        Assert.That(PlaybookFails("/proc/self/mem").Message, Does.StartWith("/proc/self/mem:1: empty, or not a regular file"));
    }

    // Catches: the size bound removed.
    [Test]
    public void A_file_over_1_MiB_is_refused_before_it_is_read()
    {
        var big = Path.Combine(_folder, "big.yml");
        File.WriteAllText(big, "description: x\n" + new string('#', InputFile.MaxBytes));

        Assert.That(PlaybookFails(big).Message, Does.StartWith($"{big}:1: {new FileInfo(big).Length} bytes, more than the 1048576 bytes (1 MiB) an input file may have"));
    }

    [Test]
    public void A_folder_a_missing_file_and_a_dangling_link_are_said_apart()
    {
        var dangling = Path.Combine(_folder, "dangling.yml");
        File.CreateSymbolicLink(dangling, Path.Combine(_folder, "gone.yml"));
        var folder = Directory.CreateDirectory(Path.Combine(_folder, "lab.yml")).FullName;

        Assert.That(InventoryFails(folder).Message, Does.StartWith($"{folder}:1: a folder, not a file"));
        Assert.That(InventoryFails(dangling).Message, Does.StartWith($"{dangling}:1: a link to nothing"));
        Assert.That(PlaybookFails(Path.Combine(_folder, "missing.yml")).Message, Does.Contain(":1: file not found"));
    }

    [Test]
    public void A_link_to_a_regular_file_is_read_through()
    {
        var link = Path.Combine(_folder, "my-lab.yml");
        File.CreateSymbolicLink(link, InventoryFiles.PostPath);

        Assert.That(InventoryLoader.Load(link).Shards, Has.Count.EqualTo(2));
    }
}
