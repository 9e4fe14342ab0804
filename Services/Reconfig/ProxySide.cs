namespace RedisHaLab.Reconfig;

/// <summary>
/// The proxy as the service can see it without a Docker socket: a folder both containers mount. The service writes
/// the config it wants; the proxy's supervisor checks and applies it and reports what nutcracker runs.
/// </summary>
/// <remarks>The seam between the apply path and the file system; unit tests put a fake proxy behind it.</remarks>
internal interface IProxySide
{
    /// <summary>Where the wanted config lives, for logs.</summary>
    string WantedPath { get; }

    /// <summary>The config the running nutcracker was started with, or null while the proxy has reported none.</summary>
    Task<string?> ReadRunningAsync(CancellationToken cancellationToken);

    /// <summary>The wanted config as it is now, or null when there is none.</summary>
    Task<string?> ReadWantedAsync(CancellationToken cancellationToken);

    /// <summary>The last wanted config the proxy refused (<c>nutcracker -t</c> failed, or it did not start), or null.</summary>
    Task<string?> ReadRejectedAsync(CancellationToken cancellationToken);

    /// <summary>Replaces the wanted config in one step (temp file + rename), which is what tells the proxy to apply it.</summary>
    Task WriteWantedAsync(string text, CancellationToken cancellationToken);
}

/// <summary>The shared config folder: <c>redis_14555.yml</c> (wanted), <c>.running.yml</c> and <c>.rejected.yml</c> (the proxy's reports).</summary>
internal sealed class ProxyConfigFolder(ProxyConfigFile wanted, string runningPath, string rejectedPath) : IProxySide
{
    /// <inheritdoc />
    public string WantedPath => wanted.Path;

    /// <inheritdoc />
    public Task<string?> ReadRunningAsync(CancellationToken cancellationToken) => ReadIfPresentAsync(runningPath, cancellationToken);

    /// <inheritdoc />
    public Task<string?> ReadWantedAsync(CancellationToken cancellationToken) => ReadIfPresentAsync(wanted.Path, cancellationToken);

    /// <inheritdoc />
    public Task<string?> ReadRejectedAsync(CancellationToken cancellationToken) => ReadIfPresentAsync(rejectedPath, cancellationToken);

    /// <inheritdoc />
    public async Task WriteWantedAsync(string text, CancellationToken cancellationToken)
    {
        try
        {
            await wanted.WriteTempAsync(text, cancellationToken);
            wanted.ReplaceWithTemp();
        }
        catch
        {
            TryDiscardTemp();
            throw;
        }
    }

    private void TryDiscardTemp()
    {
        try
        {
            wanted.DiscardTemp();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover temp file is harmless: the next write replaces it.
        }
    }

    private static async Task<string?> ReadIfPresentAsync(string path, CancellationToken cancellationToken)
    {
        // The supervisor replaces these files by rename: a read sees a whole old file or a whole new one.
        try
        {
            return await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
