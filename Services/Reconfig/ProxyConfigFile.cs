using System.Text;

namespace RedisHaLab.Reconfig;

/// <summary>
/// The proxy's config file on the host. A new version is written beside it and renamed over it, so the proxy (which
/// sees the folder through a bind mount) only ever reads a whole old file or a whole new one, never half of one.
/// </summary>
internal sealed class ProxyConfigFile(string path)
{
    private static readonly UTF8Encoding Utf8WithoutBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>The config file's host path.</summary>
    public string Path { get; } = path;

    /// <summary>The temporary file's path: same folder, so the rename is atomic and the container sees it too.</summary>
    public string TempPath => System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path)!, $".{System.IO.Path.GetFileName(Path)}.reconfig.tmp");

    /// <summary>The current text.</summary>
    public Task<string> ReadAsync(CancellationToken cancellationToken) => File.ReadAllTextAsync(Path, cancellationToken);

    /// <summary>Writes <paramref name="text"/> to <see cref="TempPath"/>, on disk before it returns, with the live file's permissions.</summary>
    public async Task WriteTempAsync(string text, CancellationToken cancellationToken)
    {
        await using (var stream = new FileStream(TempPath, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            await stream.WriteAsync(Utf8WithoutBom.GetBytes(text), cancellationToken);
            // Flushed to disk before the rename: else a crash right after could leave the renamed file empty.
            stream.Flush(flushToDisk: true);
        }
        if (!OperatingSystem.IsWindows() && File.Exists(Path))
        {
            // The container may run as another user than this service; keep whatever access the live file grants.
            File.SetUnixFileMode(TempPath, File.GetUnixFileMode(Path));
        }
    }

    /// <summary>Renames <see cref="TempPath"/> over the live file in one step.</summary>
    public void ReplaceWithTemp() => File.Move(TempPath, Path, overwrite: true);

    /// <summary>Removes <see cref="TempPath"/> if it is there, leaving the live file as it was.</summary>
    public void DiscardTemp() => File.Delete(TempPath);
}
