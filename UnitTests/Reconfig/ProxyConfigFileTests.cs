using RedisHaLab.Reconfig;

namespace RedisHaLab.UnitTests.Reconfig;

public class ProxyConfigFileTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), $"reconfig-tests-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void The_temp_file_sits_beside_the_config_so_the_rename_is_atomic_and_the_container_sees_it()
    {
        var file = new ProxyConfigFile(Path.Combine(_folder, "redis_14555.yml"));

        Assert.That(Path.GetDirectoryName(file.TempPath), Is.EqualTo(_folder));
        Assert.That(Path.GetFileName(file.TempPath), Is.EqualTo(".redis_14555.yml.reconfig.tmp"));
    }

    [Test]
    public async Task Replacing_swaps_in_the_new_text_and_leaves_no_temp_file()
    {
        var file = await ConfigWith("old: 1\n");

        await file.WriteTempAsync("new: 2\n", CancellationToken.None);
        Assert.That(await file.ReadAsync(CancellationToken.None), Is.EqualTo("old: 1\n"), "the live file is untouched until the rename");
        file.ReplaceWithTemp();

        Assert.Multiple(async () =>
        {
            Assert.That(await file.ReadAsync(CancellationToken.None), Is.EqualTo("new: 2\n"));
            Assert.That(File.Exists(file.TempPath), Is.False);
            Assert.That(Directory.GetFiles(_folder), Has.Length.EqualTo(1));
        });
    }

    [Test]
    public async Task Discarding_keeps_the_old_file()
    {
        var file = await ConfigWith("old: 1\n");

        await file.WriteTempAsync("rejected: true\n", CancellationToken.None);
        file.DiscardTemp();

        Assert.Multiple(async () =>
        {
            Assert.That(await file.ReadAsync(CancellationToken.None), Is.EqualTo("old: 1\n"));
            Assert.That(File.Exists(file.TempPath), Is.False);
        });
    }

    [Test]
    public async Task The_new_file_is_utf8_without_a_byte_order_mark()
    {
        var file = await ConfigWith("old: 1\n");

        await file.WriteTempAsync("new: 2\n", CancellationToken.None);
        file.ReplaceWithTemp();

        Assert.That(await File.ReadAllBytesAsync(file.Path), Is.EqualTo("new: 2\n"u8.ToArray()));
    }

    [Test]
    public async Task The_new_file_keeps_the_old_files_permissions()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Unix permissions only");
            return;
        }
        var file = await ConfigWith("old: 1\n");
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        File.SetUnixFileMode(file.Path, mode);

        await file.WriteTempAsync("new: 2\n", CancellationToken.None);
        file.ReplaceWithTemp();

        Assert.That(File.GetUnixFileMode(file.Path), Is.EqualTo(mode));
    }

    private async Task<ProxyConfigFile> ConfigWith(string text)
    {
        var path = Path.Combine(_folder, "redis_14555.yml");
        await File.WriteAllTextAsync(path, text);
        return new ProxyConfigFile(path);
    }
}
