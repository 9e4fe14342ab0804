using RedisHaLab.Topology;

namespace RedisHaLab.Reconfig;

/// <summary>A config nutcracker runs, by its hash, with its content: the text and its parsed form.</summary>
internal sealed record RunningConfig(string Sha256, string Text, NutcrackerConfig Config)
{
    /// <summary>A config whose text and parsed form this service already holds (one it wanted), under its hash.</summary>
    public static RunningConfig Of(string text, NutcrackerConfig config) => new(NutcrackerRunningRecord.Sha256Of(text), text, config);
}

/// <summary>What a look at the proxy's reports found: what runs, or why that is not known (and whether to look again soon).</summary>
/// <param name="Running">What runs, or null.</param>
/// <param name="Problem">Why <paramref name="Running"/> is null, for logs and the readiness answer.</param>
/// <param name="MayPass">True when a look a moment later may succeed: no report yet (a proxy starting), or the running YAML and its record caught between two writes.</param>
/// <param name="AcceptingSinceUtc">
/// With <paramref name="Running"/>: when the nutcracker process that runs it began accepting connections, by its record;
/// <see cref="DateTime.MaxValue"/> while none does (the record's pid 0: being started again).
/// </param>
internal sealed record RunningLook(RunningConfig? Running, string? Problem, bool MayPass, DateTime? AcceptingSinceUtc = null)
{
    /// <summary>What the record says of the process: when it began accepting, or never while it is being started again.</summary>
    public static DateTime AcceptingSince(NutcrackerRunningRecord record) =>
        record.Pid > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(record.AcceptingSinceUnixMs).UtcDateTime : DateTime.MaxValue;
}

/// <summary>
/// What the proxy runs, as its supervisor's record says (<c>redis_14555.running.json</c>, a hash). The content comes
/// from what this service already knows under that hash: the config it wanted and saw confirmed, or the running YAML
/// it read earlier. The running YAML (<c>.running.yml</c>) is read and parsed only when the record names a config
/// whose content this service does not know: at its own start (to learn what runs), or when the proxy went back to
/// another config on its own (a new process that did not accept, a restart of its container).
/// </summary>
/// <remarks>
/// Read from the reconfiguration loop and from the readiness agent's threads: the known config is an immutable
/// snapshot swapped whole, and two readers that both parse the same text store equal snapshots.
/// </remarks>
internal sealed class RunningConfigView(IProxySide proxy)
{
    /// <summary>The reason given while the proxy has written no record (a proxy starting, or one on an older image).</summary>
    public const string NotReported = "the proxy has reported no running config";

    private volatile RunningConfig? _known;

    /// <summary>How many times the running YAML was read and parsed (what the record spares; the tests count it).</summary>
    public int YamlReads { get; private set; }

    /// <summary>Takes <paramref name="config"/> as known content: the service wanted it and the record confirmed its hash.</summary>
    public void Confirmed(RunningConfig config) => _known = config;

    /// <summary>What the proxy runs now.</summary>
    public async Task<RunningLook> LookAsync(CancellationToken cancellationToken)
    {
        NutcrackerRunningRecord record;
        try
        {
            if (await proxy.ReadRunningRecordAsync(cancellationToken) is not { } json)
            {
                return new(null, NotReported, MayPass: true);
            }
            record = NutcrackerRunningRecord.Parse(json);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return new(null, $"the proxy's running record cannot be read: {e.Message}", MayPass: false);
        }
        if (_known is { } known && known.Sha256 == record.ConfigSha256)
        {
            return new(known, null, MayPass: false, RunningLook.AcceptingSince(record));
        }
        // A config this service does not know the content of: the one place the running YAML is read and parsed.
        string? text;
        try
        {
            YamlReads++;
            text = await proxy.ReadRunningAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new(null, $"the proxy's running config cannot be read: {e.Message}", MayPass: true);
        }
        if (text is null || !record.Runs(text))
        {
            // The supervisor writes the YAML, then the record: between the two, or when the YAML's write failed, they
            // disagree; it writes both again every pass.
            return new(null, "the proxy's running config does not match its running record yet", MayPass: true);
        }
        try
        {
            var running = new RunningConfig(record.ConfigSha256, text, NutcrackerConfig.Parse(text));
            _known = running;
            return new(running, null, MayPass: false, RunningLook.AcceptingSince(record));
        }
        catch (FormatException e)
        {
            return new(null, $"the proxy's running config cannot be read: {e.Message}", MayPass: false);
        }
    }
}
