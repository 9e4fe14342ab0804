using Microsoft.Extensions.Logging;
using RedisHaLab.Topology;

namespace RedisHaLab.Reconfig;

/// <summary>The Sentinels as the decision logic asks them: the seam unit tests put scripted answers behind.</summary>
internal interface ISentinels
{
    /// <summary>How many Sentinels the inventory has, reachable or not: the base of every majority.</summary>
    int Count { get; }

    /// <summary>Asks every Sentinel, all at once, for the master of <paramref name="masterName"/> and its config epoch.</summary>
    Task<IReadOnlyList<SentinelAnswer>> AskMasterAsync(string masterName);

    /// <summary>Asks one Sentinel (by container name) the same question.</summary>
    Task<SentinelAnswer> AskOneAsync(string sentinel, string masterName);
}

/// <summary>The Sentinels as the worker hears them: announcements and (re)connections, by Sentinel name (the seam the worker's unit tests feed by hand).</summary>
internal interface ISentinelFeed
{
    /// <summary>How many Sentinels are listened to.</summary>
    int Count { get; }

    /// <summary>Completes when every Sentinel has been tried once, so a first reconcile asks connected Sentinels, not empty links.</summary>
    Task FirstAttempts { get; }

    /// <summary>
    /// Listens until <paramref name="cancellationToken"/> fires: <paramref name="onMessage"/> gets each
    /// <c>+switch-master</c> payload with the Sentinel's name, <paramref name="onConnected"/> each (re)connection.
    /// </summary>
    Task RunAsync(Action<string, string> onMessage, Action<string> onConnected, CancellationToken cancellationToken);
}

/// <summary>Every Sentinel of the inventory, each with its own <see cref="SentinelLink"/>: one down never silences the others.</summary>
internal sealed class SentinelLinks(Inventory inventory, ReconfigOptions options, ILoggerFactory loggerFactory) : ISentinels, ISentinelFeed
{
    private readonly IReadOnlyList<SentinelLink> _links =
        inventory.Sentinels.Instances.Select(s => new SentinelLink(s, options.RedisPassword, loggerFactory.CreateLogger<SentinelLink>())).ToList();

    /// <inheritdoc />
    public int Count => _links.Count;

    /// <inheritdoc />
    public Task RunAsync(Action<string, string> onMessage, Action<string> onConnected, CancellationToken cancellationToken) =>
        Task.WhenAll(_links.Select(l => l.RunAsync((link, payload) => onMessage(link.Name, payload), link => onConnected(link.Name), cancellationToken)));

    /// <inheritdoc />
    public Task FirstAttempts => Task.WhenAll(_links.Select(l => l.FirstAttempt));

    /// <inheritdoc />
    public async Task<IReadOnlyList<SentinelAnswer>> AskMasterAsync(string masterName) =>
        await Task.WhenAll(_links.Select(l => l.AskMasterAsync(masterName)));

    /// <inheritdoc />
    public Task<SentinelAnswer> AskOneAsync(string sentinel, string masterName) =>
        _links.FirstOrDefault(l => l.Name == sentinel)?.AskMasterAsync(masterName)
        ?? Task.FromResult(SentinelAnswer.Unreachable(sentinel, "not a Sentinel of the inventory"));
}
