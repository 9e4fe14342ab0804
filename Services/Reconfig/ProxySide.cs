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

    /// <summary>
    /// The config the running nutcracker was started with, or null while the proxy has reported none. Read only when
    /// its content is needed (<see cref="RunningConfigView"/>); an apply is confirmed by <see cref="ReadRunningRecordAsync"/>.
    /// </summary>
    Task<string?> ReadRunningAsync(CancellationToken cancellationToken);

    /// <summary>The supervisor's record of what runs (<c>NutcrackerRunningRecord</c>, JSON), or null while it has written none.</summary>
    Task<string?> ReadRunningRecordAsync(CancellationToken cancellationToken);

    /// <summary>The wanted config as it is now, or null when there is none.</summary>
    Task<string?> ReadWantedAsync(CancellationToken cancellationToken);

    /// <summary>The last wanted config the proxy refused (<c>nutcracker -t</c> failed, or it did not start), or null.</summary>
    Task<string?> ReadRejectedAsync(CancellationToken cancellationToken);

    /// <summary>Replaces the wanted config in one step (temp file + rename), which is what tells the proxy to apply it.</summary>
    Task WriteWantedAsync(string text, CancellationToken cancellationToken);

    /// <summary>What this service last kept of what it verified (<see cref="VerifiedState"/>), or null when nothing.</summary>
    Task<string?> ReadVerifiedAsync(CancellationToken cancellationToken);

    /// <summary>Keeps <paramref name="text"/> as what was verified, in one step (temp file + rename).</summary>
    Task WriteVerifiedAsync(string text, CancellationToken cancellationToken);

    /// <summary>Where this service writes its readiness answer, for logs.</summary>
    string ReadinessPath { get; }

    /// <summary>Replaces the readiness answer in one step (temp file + rename).</summary>
    Task WriteReadinessAsync(string answer, CancellationToken cancellationToken);

    /// <summary>Completes when the proxy may have written a report, or after <paramref name="atMost"/>, whichever comes first.</summary>
    Task WaitForReportAsync(TimeSpan atMost, CancellationToken cancellationToken);
}

/// <summary>
/// The shared config folder: <c>redis_14555.yml</c> (wanted), <c>.running.yml</c>, <c>.running.json</c> and
/// <c>.rejected.yml</c> (the proxy's reports), each at the path the inventory names (<see cref="ProxyInstance"/>).
/// </summary>
internal sealed class ProxyConfigFolder : IProxySide, IDisposable
{
    private readonly ProxyConfigFile wanted;
    private readonly string runningPath;
    private readonly string recordPath;
    private readonly string rejectedPath;
    private readonly string verifiedPath;
    private readonly string readinessPath;

    // Woken by the supervisor's renames (inotify underneath), so waiting for a report costs no polling: the
    // supervisor shares this machine's two cores and needs them exactly while a failover is applied.
    private readonly FileSystemWatcher _reports;
    private volatile TaskCompletionSource _reported = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// The folder of <paramref name="wantedFile"/>, with the proxy's reports at <paramref name="runningPath"/>,
    /// <paramref name="recordPath"/> and <paramref name="rejectedPath"/>, and this service's record of what it verified
    /// at <paramref name="verifiedPath"/> and its readiness answer at <paramref name="readinessPath"/>.
    /// </summary>
    public ProxyConfigFolder(ProxyConfigFile wantedFile, string runningPath, string recordPath, string rejectedPath, string verifiedPath, string readinessPath)
    {
        this.readinessPath = readinessPath;
        wanted = wantedFile;
        this.runningPath = runningPath;
        this.recordPath = recordPath;
        this.rejectedPath = rejectedPath;
        this.verifiedPath = verifiedPath;
        _reports = new FileSystemWatcher(Path.GetDirectoryName(wantedFile.Path)!)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite,
        };
        _reports.Renamed += (_, _) => _reported.TrySetResult();
        _reports.Changed += (_, _) => _reported.TrySetResult();
        _reports.Created += (_, _) => _reported.TrySetResult();
        _reports.EnableRaisingEvents = true;
    }

    /// <inheritdoc />
    public string WantedPath => wanted.Path;

    /// <inheritdoc />
    public Task<string?> ReadRunningAsync(CancellationToken cancellationToken) => ReadIfPresentAsync(runningPath, cancellationToken);

    /// <inheritdoc />
    public Task<string?> ReadRunningRecordAsync(CancellationToken cancellationToken) => ReadIfPresentAsync(recordPath, cancellationToken);

    /// <inheritdoc />
    public Task<string?> ReadWantedAsync(CancellationToken cancellationToken) => ReadIfPresentAsync(wanted.Path, cancellationToken);

    /// <inheritdoc />
    public Task<string?> ReadRejectedAsync(CancellationToken cancellationToken) => ReadIfPresentAsync(rejectedPath, cancellationToken);

    /// <inheritdoc />
    public Task<string?> ReadVerifiedAsync(CancellationToken cancellationToken) => ReadIfPresentAsync(verifiedPath, cancellationToken);

    /// <inheritdoc />
    public Task WriteVerifiedAsync(string text, CancellationToken cancellationToken) => ReplaceAsync(verifiedPath, text, cancellationToken);

    /// <inheritdoc />
    public string ReadinessPath => readinessPath;

    /// <inheritdoc />
    public Task WriteReadinessAsync(string answer, CancellationToken cancellationToken) => ReplaceAsync(readinessPath, answer, cancellationToken);

    private static async Task ReplaceAsync(string path, string text, CancellationToken cancellationToken)
    {
        var temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, text, cancellationToken);
        File.Move(temp, path, overwrite: true);
    }

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

    /// <inheritdoc />
    public async Task WaitForReportAsync(TimeSpan atMost, CancellationToken cancellationToken)
    {
        var reported = _reported;
        try
        {
            await reported.Task.WaitAsync(atMost, cancellationToken);
        }
        catch (TimeoutException)
        {
            // A missed notification costs at most this wait: the caller reads the reports again.
        }
        Interlocked.CompareExchange(ref _reported, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), reported);
    }

    /// <inheritdoc />
    public void Dispose() => _reports.Dispose();

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
